import type { JobState } from '../../store/schema/support-jobs.js';
import type { Page } from '../../store/support/cursor.js';
import type {
  DeliveryDetail,
  DeliveryFilter,
  DeliverySummary,
  WebhookRef,
} from '../../store/support/deliveries.js';
import type { EventFilter, EventSummary } from '../../store/support/events.js';
import type { StoredHealth } from '../../store/support/health.js';
import type { createJob, RecoveryJob } from '../../store/support/jobs.js';
import type { RecoverySelection, RedeliverBy } from '../../store/support/requeue.js';
import type { TestAttemptRecord } from '../../store/support/test-attempts.js';
import type { EventTrace, SubscriptionFacts } from '../../store/trace.js';

/**
 * What support's operations read and write in the store, whichever store it is (SQLite: the gateway's
 * connection for reads and the store thread for writes; PostgreSQL: the shared database). Every method
 * answers a Promise, so one Support class serves both.
 */
export interface SupportStore {
  /** The webhook with this WebhookId in this organization, deleted ones included. */
  findWebhook(organizationId: string, webhookId: string): Promise<WebhookRef | null>;
  webhookOfRow(webhookRowId: number): Promise<WebhookRef | null>;
  listEvents(filter: EventFilter): Promise<Page<EventSummary>>;
  traceEvent(eventId: string): Promise<EventTrace>;
  /** Whether an event of this Id is stored (a POST of it would be a duplicate). */
  eventIdKnown(eventId: string): Promise<boolean>;
  subscriptionsFor(organizationId: string, eventType: string, entityId: string): Promise<SubscriptionFacts[]>;
  listDeliveries(filter: DeliveryFilter): Promise<Page<DeliverySummary>>;
  getDelivery(deliveryId: number): Promise<DeliveryDetail | null>;
  webhookHealth(webhookRowId: number, now: number): Promise<StoredHealth>;
  countRecoverable(selection: RecoverySelection): Promise<number>;
  getJob(jobId: string): Promise<RecoveryJob | null>;
  /** A webhook's jobs, newest first, at most `limit`. */
  jobsOf(webhookRowId: number, limit: number): Promise<RecoveryJob[]>;
  recentTestAttempts(
    webhookRowId: number,
  ): Promise<(Omit<TestAttemptRecord, 'webhookRowId'> & { id: number })[]>;
  /** Re-queues one delivery, due at once, audited; false when in flight, gone or its webhook deleted. */
  requeue(deliveryId: number, by: RedeliverBy): Promise<boolean>;
  recordTestAttempt(attempt: TestAttemptRecord): Promise<number>;
}

/** A job to start: its id, selection, the count when it starts, who asked, when. */
export type NewJob = Parameters<typeof createJob>[1];

/** The right to run one job's batches, held until released (on PostgreSQL, by one instance at a time). */
export interface JobRun {
  /**
   * One batch in one transaction with the job's cursor (store/support/jobs.ts runJobBatch). Null when the
   * job no longer runs, or no longer runs here (the hold was lost; whoever takes it next resumes it).
   */
  batch(limit: number, now: number): Promise<number | null>;
  release(): Promise<void>;
}

/** What recovery jobs read and write in the store. */
export interface JobStore {
  runningJobs(): Promise<RecoveryJob[]>;
  getJob(jobId: string): Promise<RecoveryJob | null>;
  /** A webhook's jobs, newest first, at most `limit`. */
  jobsOf(webhookRowId: number, limit: number): Promise<RecoveryJob[]>;
  /** A webhook's deliveries due, in flight or held, counted up to `cap`. */
  busyUpTo(webhookRowId: number, cap: number): Promise<number>;
  /** Creates a running job, unless one of the webhook runs: that one is answered instead. */
  startJob(job: NewJob): Promise<RecoveryJob>;
  endJob(
    jobId: string,
    state: Exclude<JobState, 'running'>,
    error: string | null,
    now: number,
  ): Promise<boolean>;
  /** Takes the right to run the job; null while someone else holds it. */
  takeJob(jobId: string): Promise<JobRun | null>;
}
