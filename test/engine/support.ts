import type { TestGateway } from '../support/gateway.js';

export interface DeliveryRow {
  state: string;
  attempt_count: number;
  last_error_class: string | null;
  last_status: number | null;
}

export interface AttemptRow {
  attempt_no: number;
  status_code: number | null;
  error_class: string | null;
  error_message: string | null;
  response_snippet: string | null;
}

export function deliveryOf(gw: TestGateway, eventId: string): DeliveryRow | undefined {
  return gw.rows<DeliveryRow>(
    `SELECT d.state, d.attempt_count, d.last_error_class, d.last_status
       FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE e.id = ?`,
    eventId.toLowerCase(),
  )[0];
}

export function attemptsOf(gw: TestGateway, eventId: string): AttemptRow[] {
  return gw.rows<AttemptRow>(
    `SELECT a.attempt_no, a.status_code, a.error_class, a.error_message, a.response_snippet
       FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN events e ON e.seq = d.event_seq
      WHERE e.id = ? ORDER BY a.attempt_no`,
    eventId.toLowerCase(),
  );
}

/** A delivery in one of the given final states, or undefined while it is still under way. */
export function finished(gw: TestGateway, eventId: string, states = ['delivered', 'discarded', 'expired']) {
  const row = deliveryOf(gw, eventId);
  return row !== undefined && states.includes(row.state) ? row : undefined;
}
