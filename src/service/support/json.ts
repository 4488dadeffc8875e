import type {
  DeliveryDetailJson,
  DeliverySummaryJson,
  EventDetailJson,
  EventSummaryJson,
  JobJson,
} from '../../http/admin/ops/schema.js';
import type { AttemptRecord } from '../../store/delivery-store.js';
import type { DeliveryDetail, DeliverySummary, WebhookRef } from '../../store/support/deliveries.js';
import type { EventSummary } from '../../store/support/events.js';
import type { RecoveryJob } from '../../store/support/jobs.js';
import type { EventTrace, SubscriptionFacts } from '../../store/trace.js';
import { formatTrace } from '../../support/format-trace.js';
import { subscriptionVerdict } from '../../support/subscription-verdict.js';

/** Pure: the store's records as the admin API answers them (PascalCase, ISO 8601 times). */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

const WAITING = new Set(['pending', 'retrying', 'paused']);

/** When a waiting delivery is due; null once it finished, and for one re-queued to go now (due 0). */
export const dueAt = (state: string, nextAttemptAt: number): string | null =>
  WAITING.has(state) && nextAttemptAt > 0 ? iso(nextAttemptAt) : null;

export function attemptJson(a: Omit<AttemptRecord, 'deliveryId'>) {
  return {
    AttemptNo: a.attemptNo,
    StartedAt: iso(a.startedAt),
    DurationMs: a.durationMs,
    StatusCode: a.statusCode,
    ErrorClass: a.errorClass,
    ErrorMessage: a.errorMessage,
    ResponseSnippet: a.responseSnippet,
  };
}

export function eventSummaryJson(e: Omit<EventSummary, 'seq'>): EventSummaryJson {
  return {
    Id: e.id,
    OrganizationId: e.organizationId,
    EventType: e.eventType,
    EntityId: e.entityId,
    Timestamp: e.occurredAt,
    AcceptedAt: iso(e.acceptedAt),
    ExpiresAt: isoOrNull(e.expiresAt),
    Matched: e.matchCount,
    Deliveries: e.deliveryStates,
  };
}

/** `queued`: the engine holds it claimed and not started (see DeliverySummaryJson.Queued). */
export function deliverySummaryJson(d: DeliverySummary, queued = false): DeliverySummaryJson {
  return {
    DeliveryId: d.deliveryId,
    EventId: d.eventId,
    EventType: d.eventType,
    EntityId: d.entityId,
    WebhookId: d.webhookId,
    State: d.state,
    AttemptCount: d.attemptCount,
    CreatedAt: iso(d.createdAt),
    NextAttemptAt: dueAt(d.state, d.nextAttemptAt),
    LastAttemptAt: isoOrNull(d.lastAttemptAt),
    LastStatus: d.lastStatus,
    LastErrorClass: d.lastErrorClass,
    FinishedAt: isoOrNull(d.finishedAt),
    RequeuedFrom: d.requeuedFrom,
    Queued: queued,
  };
}

export function deliveryDetailJson(d: DeliveryDetail, queued = false): DeliveryDetailJson {
  return {
    ...deliverySummaryJson(d, queued),
    OrganizationId: d.organizationId,
    Endpoint: d.endpoint,
    LastError: d.lastError,
    Attempts: d.attempts.map(attemptJson),
  };
}

export function verdictJson(s: SubscriptionFacts) {
  const v = subscriptionVerdict(s);
  return {
    WebhookId: s.webhookId,
    Endpoint: s.endpoint,
    Target: s.target,
    WebhookEnabled: s.webhookEnabled,
    Matches: v.matches,
    Reasons: v.reasons,
    Note: v.note,
  };
}

export function jobJson(job: RecoveryJob, webhook: WebhookRef): JobJson {
  return {
    JobId: job.id,
    OrganizationId: webhook.organizationId,
    WebhookId: webhook.webhookId,
    State: job.state,
    Done: job.done,
    Total: job.total,
    States: [...job.selection.states],
    Since: iso(job.selection.since),
    Until: iso(job.selection.until),
    Error: job.error,
    CreatedBy: job.createdBy,
    CreatedAt: iso(job.createdAt),
    UpdatedAt: iso(job.updatedAt),
  };
}

/** The trace of one event as GET /v1/admin/events/{Id} and `gateway trace --json` answer it. */
export function eventTraceJson(eventId: string, trace: EventTrace): EventDetailJson {
  const e = trace.event;
  const states: Record<string, number> = {};
  for (const d of trace.deliveries) states[d.state] = (states[d.state] ?? 0) + 1;
  return {
    Event: e === null ? null : eventSummaryJson({ ...e, deliveryStates: states }),
    Pruned:
      trace.pruned === null
        ? null
        : {
            AcceptedAt: iso(trace.pruned.acceptedAt),
            PrunedAt: iso(trace.pruned.prunedAt),
            RetentionDays: trace.pruned.retentionDays,
          },
    Deliveries: trace.deliveries.map((d) => ({
      DeliveryId: d.deliveryId,
      WebhookId: d.webhookId,
      Endpoint: d.endpoint,
      Description: d.description,
      State: d.state,
      AttemptCount: d.attemptCount,
      NextAttemptAt: dueAt(d.state, d.nextAttemptAt),
      Attempts: d.attempts.map(attemptJson),
    })),
    Subscriptions: trace.subscriptions.map(verdictJson),
    Text: formatTrace(eventId, trace),
  };
}
