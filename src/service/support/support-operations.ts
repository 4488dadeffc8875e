import { type EventType, safeParseEvent } from '../../catalogue/index.js';
import type { DeliveryEngine } from '../../delivery/engine/engine.js';
import type {
  DeliveryQuery,
  EventQuery,
  RecoveryRequest,
  SupportOperations,
} from '../../http/admin/ops/ports.js';
import type {
  DeliveryDetailJson,
  EventDetailJson,
  ExplainJson,
  HealthJson,
  JobJson,
  TestAttemptJson,
  TestRecordJson,
} from '../../http/admin/ops/schema.js';
import { ApiError } from '../../http/errors.js';
import type { Router } from '../../routing/router.js';
import type { DeliveryState } from '../../store/schema/deliveries.js';
import { decodeCursor, type Keyset } from '../../store/support/cursor.js';
import type { WebhookRef } from '../../store/support/deliveries.js';
import { sampleEvent } from '../../support/sample-event.js';
import {
  deliveryDetailJson,
  deliverySummaryJson,
  eventSummaryJson,
  eventTraceJson,
  iso,
  isoOrNull,
  jobJson,
  verdictJson,
} from './json.js';
import type { RecoveryJobs } from './recovery-jobs.js';
import type { SupportStore } from './support-store.js';

export interface SupportDeps {
  /** Reads and writes (each read a bounded index range; see bench support-queries). */
  store: SupportStore;
  engine: Pick<DeliveryEngine, 'wake' | 'laneState' | 'sendOnce' | 'isQueued'>;
  router: Pick<Router, 'webhook'>;
  jobs: RecoveryJobs;
  now?: () => number;
}

const cursor = (text: string | undefined): Keyset | null => {
  if (text === undefined) return null;
  const keyset = decodeCursor(text);
  if (keyset === null)
    throw new ApiError('BAD_REQUEST', 'Invalid request', [
      { path: '$.Cursor', message: 'is not a NextCursor this API handed out' },
    ]);
  return keyset;
};

/** Support's operations over the store, the engine and the routing (the admin API's SupportOperations). */
export class Support implements SupportOperations {
  private readonly now: () => number;

  constructor(private readonly d: SupportDeps) {
    this.now = d.now ?? Date.now;
  }

  async listEvents(q: EventQuery) {
    const page = await this.d.store.listEvents({
      organizationId: q.organizationId,
      eventType: q.eventType,
      entityId: q.entityId,
      from: q.from,
      to: q.to,
      after: cursor(q.cursor),
      limit: q.limit,
    });
    return { Items: page.items.map(eventSummaryJson), NextCursor: page.nextCursor };
  }

  async getEvent(eventId: string): Promise<EventDetailJson | null> {
    const trace = await this.d.store.traceEvent(eventId);
    if (trace.event === null && trace.pruned === null) return null;
    return eventTraceJson(eventId, trace);
  }

  async listDeliveries(organizationId: string, webhookId: string, q: DeliveryQuery) {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    const page = await this.d.store.listDeliveries({
      webhookRowId: webhook.rowId,
      states: q.states as DeliveryState[] | undefined,
      from: q.from,
      to: q.to,
      after: cursor(q.cursor),
      limit: q.limit,
    });
    return {
      Items: page.items.map((d) => deliverySummaryJson(d, this.queued(webhook.rowId, d))),
      NextCursor: page.nextCursor,
    };
  }

  async getDelivery(deliveryId: number): Promise<DeliveryDetailJson | null> {
    const d = await this.d.store.getDelivery(deliveryId);
    return d === null ? null : deliveryDetailJson(d, this.queued(d.webhookRowId, d));
  }

  async health(organizationId: string, webhookId: string): Promise<HealthJson | null> {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    const now = this.now();
    const h = await this.d.store.webhookHealth(webhook.rowId, now);
    const lane = this.d.engine.laneState(webhook.rowId);
    const window = (w: typeof h.lastHour) => ({
      Attempts: w.attempts,
      SuccessRate: w.successRate,
      P50Ms: w.p50Ms,
      P99Ms: w.p99Ms,
    });
    return {
      WebhookId: webhook.webhookId,
      Endpoint: webhook.endpoint,
      Enabled: webhook.enabled,
      Deleted: webhook.deletedAt !== null,
      Breaker: (lane?.breaker ?? 'idle') as HealthJson['Breaker'],
      InFlight: lane?.inFlight ?? 0,
      // What the lane has claimed but not yet started waits too (the store holds it as in flight).
      Waiting: h.waiting + (lane?.queued ?? 0),
      OldestWaitingAgeSeconds:
        h.oldestWaitingCreatedAt === null ? null : Math.max(0, (now - h.oldestWaitingCreatedAt) / 1000),
      Last5Minutes: window(h.last5Minutes),
      LastHour: window(h.lastHour),
      Sampled: h.sampled,
      LastSuccessAt: isoOrNull(h.lastSuccessAt),
      LastFailure:
        h.lastFailure === null
          ? null
          : {
              At: iso(h.lastFailure.at),
              StatusCode: h.lastFailure.statusCode,
              ErrorClass: h.lastFailure.errorClass,
            },
    };
  }

  async redeliver(deliveryId: number, force: boolean, requestedBy: string): Promise<DeliveryDetailJson> {
    const d = await this.d.store.getDelivery(deliveryId);
    if (d === null) throw new ApiError('NOT_FOUND', `Delivery ${deliveryId} not found`);
    this.requireLive(await this.webhookOfRow(d.webhookRowId), 'redelivered');
    if (d.state === 'expired' && !force) {
      throw new ApiError(
        'CONFLICT',
        `Delivery ${deliveryId} expired (its event's MessageTTLSeconds passed): send "Force": true to deliver it anyway`,
      );
    }
    // A delivered or discarded one whose event's TTL has passed since: sent only when asked to be, never
    // turned expired without an attempt.
    if (!force && d.expiresAt !== null && d.expiresAt <= this.now()) {
      throw new ApiError(
        'CONFLICT',
        `Delivery ${deliveryId}'s event is past its MessageTTLSeconds: send "Force": true to deliver it anyway`,
      );
    }
    // Claimed here and not started: it is sent next already; another attempt would only be a repeat.
    if (this.queued(d.webhookRowId, d)) return deliveryDetailJson(d, true);
    const by = { actor: requestedBy, organizationId: d.organizationId, force, now: this.now() };
    if (d.state === 'in_flight' || !(await this.d.store.requeue(deliveryId, by))) {
      // The store refuses a deleted webhook's delivery in the same statement: a delete that committed
      // since the check above is named as such.
      this.requireLive(await this.webhookOfRow(d.webhookRowId), 'redelivered');
      throw new ApiError('CONFLICT', `Delivery ${deliveryId} has an attempt in flight: wait for its outcome`);
    }
    this.d.engine.wake([d.webhookRowId]);
    const after = await this.d.store.getDelivery(deliveryId);
    if (after === null) throw new ApiError('NOT_FOUND', `Delivery ${deliveryId} not found`);
    return deliveryDetailJson(after, this.queued(after.webhookRowId, after));
  }

  /** In flight in the store, but held by this gateway's lane unstarted (it waits for a place). */
  private queued(webhookRowId: number, d: { deliveryId: number; state: string }): boolean {
    return d.state === 'in_flight' && this.d.engine.isQueued(webhookRowId, d.deliveryId);
  }

  async countRecoverable(organizationId: string, webhookId: string, r: RecoveryRequest) {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    // The same refusals as the real run, so a dry run never promises what the run would refuse.
    this.requireLive(webhook, 'recovered');
    return this.d.store.countRecoverable({ webhookRowId: webhook.rowId, ...r });
  }

  async startRecovery(
    organizationId: string,
    webhookId: string,
    r: RecoveryRequest,
    createdBy: string,
  ): Promise<JobJson | null> {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    this.requireLive(webhook, 'recovered');
    const selection = { webhookRowId: webhook.rowId, ...r };
    const { job, started } = await this.d.jobs.start(
      selection,
      await this.d.store.countRecoverable(selection),
      createdBy,
    );
    if (!started)
      throw new ApiError(
        'CONFLICT',
        `Webhook ${webhook.webhookId} has a recovery job running (JobId ${job.id}): wait for it or cancel it first`,
      );
    return jobJson(job, webhook);
  }

  async getJob(jobId: string): Promise<JobJson | null> {
    const job = await this.d.store.getJob(jobId);
    if (job === null) return null;
    return jobJson(job, await this.webhookOfRow(job.webhookRowId));
  }

  async jobsOf(organizationId: string, webhookId: string, limit: number): Promise<JobJson[] | null> {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    return (await this.d.store.jobsOf(webhook.rowId, limit)).map((job) => jobJson(job, webhook));
  }

  /** Cancels a running job; one that already ended is answered as it is (cancelling is idempotent). */
  async cancelJob(jobId: string): Promise<JobJson | null> {
    if ((await this.d.store.getJob(jobId)) === null) return null;
    await this.d.jobs.cancel(jobId);
    return this.getJob(jobId);
  }

  async testsOf(organizationId: string, webhookId: string): Promise<TestRecordJson[] | null> {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    return (await this.d.store.recentTestAttempts(webhook.rowId)).map((t) => ({
      EventId: t.eventId,
      EventType: t.eventType,
      Ok: t.errorClass === null,
      StartedAt: iso(t.startedAt),
      DurationMs: t.durationMs,
      StatusCode: t.statusCode,
      ErrorClass: t.errorClass,
      ErrorMessage: t.errorMessage,
      ResponseSnippet: t.responseSnippet,
      SentBy: t.sentBy,
    }));
  }

  async testSend(
    organizationId: string,
    webhookId: string,
    eventType: string,
    sentBy: string,
  ): Promise<TestAttemptJson | null> {
    const webhook = await this.d.store.findWebhook(organizationId, webhookId);
    if (webhook === null) return null;
    const target = this.d.router.webhook(webhook.rowId);
    if (webhook.deletedAt !== null || target === undefined)
      throw new ApiError('CONFLICT', `Webhook ${webhook.webhookId} was deleted: it receives nothing`);
    const event = sampleEvent(eventType as EventType, webhook.organizationId);
    const startedAt = this.now();
    const outcome = await this.d.engine.sendOnce(target, eventType, JSON.stringify(event));
    await this.d.store.recordTestAttempt({
      webhookRowId: webhook.rowId,
      eventId: event.Id as string,
      eventType,
      startedAt,
      durationMs: outcome.durationMs,
      statusCode: outcome.statusCode,
      errorClass: outcome.errorClass,
      errorMessage: outcome.errorMessage,
      responseSnippet: outcome.responseSnippet,
      sentBy,
    });
    return {
      EventId: event.Id as string,
      EventType: eventType,
      Endpoint: target.endpoint,
      Ok: outcome.ok,
      StartedAt: iso(startedAt),
      DurationMs: outcome.durationMs,
      StatusCode: outcome.statusCode,
      ErrorClass: outcome.errorClass,
      ErrorMessage: outcome.errorMessage,
      ResponseSnippet: outcome.responseSnippet,
    };
  }

  async explain(organizationId: string, input: unknown): Promise<ExplainJson> {
    const parsed = safeParseEvent(input);
    if (!parsed.ok) throw new ApiError('INVALID_EVENT', 'Invalid event', parsed.problems);
    const event = parsed.event;
    if (event.RootEntityId.toLowerCase() !== organizationId.toLowerCase()) {
      throw new ApiError('INVALID_EVENT', 'Invalid event', [
        { path: '$.RootEntityId', message: `is not the organization of the path (${organizationId})` },
      ]);
    }
    const subscriptions = await this.d.store.subscriptionsFor(
      organizationId,
      event.EventType,
      event.EntityId,
    );
    const verdicts = subscriptions.map(verdictJson);
    const receiving = new Map<string, { WebhookId: string; Endpoint: string; Held: boolean }>();
    for (const v of verdicts)
      if (v.Matches)
        receiving.set(v.WebhookId, { WebhookId: v.WebhookId, Endpoint: v.Endpoint, Held: !v.WebhookEnabled });
    // An Id already accepted is acknowledged as a duplicate and sent to no one: the verdicts still say
    // how a fresh Id would be routed.
    const duplicate = await this.d.store.eventIdKnown(event.Id);
    return {
      OrganizationId: organizationId.toLowerCase(),
      EventType: event.EventType,
      EntityId: event.EntityId.toLowerCase(),
      Duplicate: duplicate,
      WouldReceive: duplicate ? [] : [...receiving.values()],
      Subscriptions: verdicts,
    };
  }

  /** The webhook of a delivery or job: its row stays while they do (deletes are soft). */
  private async webhookOfRow(rowId: number): Promise<WebhookRef> {
    return (await this.d.store.webhookOfRow(rowId)) as WebhookRef;
  }

  /** A repair is refused for a deleted webhook (it leaves every delivery cancelled) and a paused one (held). */
  private requireLive(webhook: WebhookRef, what: string): void {
    if (webhook.deletedAt !== null)
      throw new ApiError(
        'CONFLICT',
        `Webhook ${webhook.webhookId} was deleted: its deliveries cannot be ${what}`,
      );
    if (!webhook.enabled)
      throw new ApiError(
        'CONFLICT',
        `Webhook ${webhook.webhookId} is paused (Enabled: false): enable it first, or its deliveries would only be held`,
      );
  }
}
