import type pg from 'pg';
import type { JobState } from '../../schema/support-jobs.js';
import type { DeliveryFilter } from '../../support/deliveries.js';
import type { EventFilter } from '../../support/events.js';
import type { createJob } from '../../support/jobs.js';
import type { RecoverySelection, RedeliverBy } from '../../support/requeue.js';
import type { TestAttemptRecord } from '../../support/test-attempts.js';
import { traceEventPg } from '../trace.js';
import { getDeliveryPg, listDeliveriesPg } from './deliveries.js';
import { eventIdKnownPg, listEventsPg } from './events.js';
import { webhookHealthPg } from './health.js';
import {
  busyUpToPg,
  countRecoverablePg,
  createJobPg,
  endJobPg,
  getJobPg,
  jobsOfPg,
  runningJobsPg,
  takeJobPg,
} from './jobs.js';
import { requeueDeliveryPg } from './requeue.js';
import { subscriptionsForPg } from './subscriptions.js';
import { recentTestAttemptsPg, recordTestAttemptPg } from './test-attempts.js';
import { findWebhookPg, webhookOfRowPg } from './webhooks.js';

/**
 * Support's queries and repairs on the shared PostgreSQL database, for one instance (named in the
 * wake-ups it sends the others, so it skips its own). Reads and writes go to the durable pool: a
 * re-queue or a job's batch is committed before it is answered.
 */
export class PgSupportStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly instanceId: string,
  ) {}

  findWebhook = (organizationId: string, webhookId: string) =>
    findWebhookPg(this.pool, organizationId, webhookId);
  webhookOfRow = (rowId: number) => webhookOfRowPg(this.pool, rowId);
  listEvents = (filter: EventFilter) => listEventsPg(this.pool, filter);
  traceEvent = (eventId: string) => traceEventPg(this.pool, eventId);
  eventIdKnown = (eventId: string) => eventIdKnownPg(this.pool, eventId);
  subscriptionsFor = (organizationId: string, eventType: string, entityId: string) =>
    subscriptionsForPg(this.pool, organizationId, eventType, entityId);
  listDeliveries = (filter: DeliveryFilter) => listDeliveriesPg(this.pool, filter);
  getDelivery = (deliveryId: number) => getDeliveryPg(this.pool, deliveryId);
  webhookHealth = (rowId: number, now: number) => webhookHealthPg(this.pool, rowId, now);
  countRecoverable = (selection: RecoverySelection) => countRecoverablePg(this.pool, selection);
  recentTestAttempts = (rowId: number) => recentTestAttemptsPg(this.pool, rowId);
  requeue = (deliveryId: number, by: RedeliverBy) =>
    requeueDeliveryPg(this.pool, this.instanceId, deliveryId, by);
  recordTestAttempt = (attempt: TestAttemptRecord) => recordTestAttemptPg(this.pool, attempt);
  runningJobs = () => runningJobsPg(this.pool);
  getJob = (jobId: string) => getJobPg(this.pool, jobId);
  jobsOf = (webhookRowId: number, limit: number) => jobsOfPg(this.pool, webhookRowId, limit);
  busyUpTo = (rowId: number, cap: number) => busyUpToPg(this.pool, rowId, cap);
  startJob = (job: Parameters<typeof createJob>[1]) => createJobPg(this.pool, job);
  endJob = (jobId: string, state: Exclude<JobState, 'running'>, error: string | null, now: number) =>
    endJobPg(this.pool, jobId, state, error, now);
  takeJob = (jobId: string) => takeJobPg(this.pool, this.instanceId, jobId);
}
