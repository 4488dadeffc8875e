import type { EventTrace } from '../store/trace.js';
import { subscriptionVerdict } from './subscription-verdict.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** What a state means for support staff, when the state alone does not say it. */
const STATE_NOTES: Record<string, string> = {
  paused: ' (the webhook is disabled: held, not attempted, until it is enabled again)',
  cancelled: ' (the webhook was deleted before it was delivered)',
};

/** Pure: the trace as the lines support staff read, ending with the answer to "why not delivered?". */
export function formatTrace(eventId: string, trace: EventTrace): string[] {
  const e = trace.event;
  if (e === null && trace.pruned !== null) {
    const p = trace.pruned;
    return [
      `Event ${eventId} was accepted ${iso(p.acceptedAt)} and pruned after ${formatDays(p.retentionDays)} days, at ${iso(p.prunedAt)}.`,
      'Its deliveries and attempts are no longer kept (Gateway.Retention).',
    ];
  }
  if (e === null) {
    return [
      `No event with Id ${eventId} was accepted.`,
      'The producer never published it, or the gateway refused it (invalid events are answered 400 and not stored).',
    ];
  }
  const lines = [
    `Event ${e.id} ${e.eventType}`,
    `  organization ${e.organizationId}, entity ${e.entityId}`,
    `  Timestamp ${e.occurredAt}, accepted ${iso(e.acceptedAt)}, expires ${e.expiresAt === null ? 'never' : iso(e.expiresAt)}`,
    `  matched ${e.matchCount} webhook(s)`,
  ];
  for (const d of trace.deliveries) {
    const next =
      d.state === 'retrying' || d.state === 'pending' ? `, next attempt ${iso(d.nextAttemptAt)}` : '';
    const why = STATE_NOTES[d.state] ?? '';
    lines.push(
      `  -> ${d.endpoint}${d.description ? ` (${d.description})` : ''} [${d.webhookId}]: ${d.state} after ${d.attemptCount} attempt(s)${next}${why}`,
    );
    for (const a of d.attempts) {
      const result = a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.errorClass ?? 'unknown');
      const detail = a.errorMessage ? ` - ${a.errorMessage}` : '';
      lines.push(`       #${a.attemptNo} ${iso(a.startedAt)} ${result} in ${a.durationMs} ms${detail}`);
    }
  }
  if (e.matchCount === 0) lines.push(...whyUnmatched(trace));
  return lines;
}

/** Whole days as they are; a fraction (tests retain for seconds) to three significant digits. */
function formatDays(days: number): string {
  return Number.isInteger(days) ? String(days) : String(Number(days.toPrecision(3)));
}

function whyUnmatched(trace: EventTrace): string[] {
  const e = trace.event as NonNullable<EventTrace['event']>;
  if (trace.subscriptions.length === 0) {
    return [`  why: no webhook of organization ${e.organizationId} subscribes to ${e.eventType}.`];
  }
  return [
    `  why: these subscriptions to ${e.eventType} exist, and none applies to entity ${e.entityId}:`,
    ...trace.subscriptions.map((s) => {
      const { reasons } = subscriptionVerdict(s);
      return `       ${s.endpoint} ${s.target}: ${reasons.join(', ') || 'matches now (the configuration changed after the event)'}`;
    }),
  ];
}
