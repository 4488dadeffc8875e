import { EventValidationError, type GatewayEvent, safeParseEvent } from '../catalogue/index.js';
import { jsonDepthProblem } from '../catalogue/json-depth.js';
import { atIndex, type Problem } from '../problems.js';
import type { Router } from '../routing/router.js';
import { expiresAtMs } from './expiry.js';
import type { EventRecord, EventSink, PublishResult } from './ports.js';

/**
 * The one way events enter the gateway, from the in-process SDK and from HTTP ingest alike: validate
 * every event with the catalogue, match it to its receivers, and record it with its deliveries. A batch
 * is all or nothing: one invalid event refuses the batch before anything is written.
 */
export class EventBus {
  constructor(
    private readonly router: Router,
    private readonly writer: EventSink,
  ) {}

  async publish(event: GatewayEvent | unknown): Promise<PublishResult> {
    const parsed = safeParseEvent(event);
    if (!parsed.ok) throw new EventValidationError(parsed.problems);
    const [result] = await this.record([parsed.event], false);
    return result as PublishResult;
  }

  /** Validates all, then records all in one transaction. Problems are named by index: $[3].Timestamp. */
  async publishBatch(events: readonly (GatewayEvent | unknown)[]): Promise<PublishResult[]> {
    const valid: GatewayEvent[] = [];
    const problems: Problem[] = [];
    events.forEach((input, index) => {
      const parsed = safeParseEvent(input);
      if (parsed.ok) valid.push(parsed.event);
      else problems.push(...atIndex(parsed.problems, index));
    });
    if (problems.length > 0) throw new EventValidationError(problems);
    return this.record(valid, true);
  }

  private async record(events: readonly GatewayEvent[], batch: boolean): Promise<PublishResult[]> {
    const records = events.map((event, index) => this.toRecord(event, batch ? index : null));
    const written = await this.writer.write(records);
    return written.map((w, i) => ({
      Id: (events[i] as GatewayEvent).Id,
      Matched: w.matched,
      Duplicate: w.duplicate,
    }));
  }

  private toRecord(event: GatewayEvent, index: number | null): EventRecord {
    // Guids compare case-insensitively (.NET); the store and the matcher keep them lower-cased.
    const organizationId = event.RootEntityId.toLowerCase();
    const entityId = event.EntityId.toLowerCase();
    return {
      id: event.Id.toLowerCase(),
      organizationId,
      eventType: event.EventType,
      entityId,
      occurredAt: event.Timestamp,
      expiresAt: expiresAtMs(event.Timestamp, event.MessageTTLSeconds),
      // The exact JSON delivered on every attempt, unknown properties included.
      payload: serialise(event, index),
      webhookIds: this.router.match({ organizationId, eventType: event.EventType, entityId }),
    };
  }
}

/**
 * The event as JSON. Validation lets unknown properties through untouched, so an object nested past the
 * stack's depth (or a circular one, from an in-process producer) is found here: refused like any invalid
 * event, naming where, instead of failing as an internal error. HTTP bodies are held to MAX_JSON_DEPTH
 * before they get this far.
 */
function serialise(event: GatewayEvent, index: number | null): string {
  try {
    return JSON.stringify(event);
  } catch (error) {
    const circular = error instanceof TypeError && /circular/i.test(error.message);
    if (!(error instanceof RangeError) && !circular) throw error;
    const problem = (circular ? null : jsonDepthProblem(event)) ?? {
      path: '$',
      message: circular ? 'holds a circular reference' : 'cannot be written as JSON',
    };
    throw new EventValidationError(index === null ? [problem] : atIndex([problem], index));
  }
}
