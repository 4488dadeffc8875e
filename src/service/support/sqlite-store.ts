import type BetterSqlite3 from 'better-sqlite3';
import { findWebhook, getDelivery, listDeliveries, webhookOfRow } from '../../store/support/deliveries.js';
import { eventIdKnown, listEvents } from '../../store/support/events.js';
import { webhookHealth } from '../../store/support/health.js';
import { getJob, jobsOf, runningJobs } from '../../store/support/jobs.js';
import { busyUpTo, countRecoverable } from '../../store/support/requeue.js';
import { recentTestAttempts } from '../../store/support/test-attempts.js';
import type { StoreClient } from '../../store/thread/store-client.js';
import { subscriptionsFor, traceEvent } from '../../store/trace.js';
import type { JobStore, SupportStore } from './support-store.js';

type Writes = Pick<StoreClient, 'requeue' | 'recordTestAttempt' | 'recoverBatch' | 'startJob' | 'endJob'>;

/**
 * Support's store on SQLite: reads on the gateway's own connection (each a bounded index range), writes
 * through the store thread, in order with the engine's claims. One process serves the file (its serve
 * lock), so a job is always this process's to run.
 */
export function sqliteSupportStore(sqlite: BetterSqlite3.Database, store: Writes): SupportStore & JobStore {
  return {
    findWebhook: async (organizationId, webhookId) => findWebhook(sqlite, organizationId, webhookId),
    webhookOfRow: async (rowId) => webhookOfRow(sqlite, rowId),
    listEvents: async (filter) => listEvents(sqlite, filter),
    traceEvent: async (eventId) => traceEvent(sqlite, eventId),
    eventIdKnown: async (eventId) => eventIdKnown(sqlite, eventId),
    subscriptionsFor: async (organizationId, eventType, entityId) =>
      subscriptionsFor(sqlite, organizationId, eventType, entityId),
    listDeliveries: async (filter) => listDeliveries(sqlite, filter),
    getDelivery: async (deliveryId) => getDelivery(sqlite, deliveryId),
    webhookHealth: async (rowId, now) => webhookHealth(sqlite, rowId, now),
    countRecoverable: async (selection) => countRecoverable(sqlite, selection),
    getJob: async (jobId) => getJob(sqlite, jobId),
    jobsOf: async (webhookRowId, limit) => jobsOf(sqlite, webhookRowId, limit),
    recentTestAttempts: async (rowId) => recentTestAttempts(sqlite, rowId),
    requeue: (deliveryId, by) => store.requeue(deliveryId, by),
    recordTestAttempt: (attempt) => store.recordTestAttempt(attempt),
    runningJobs: async () => runningJobs(sqlite),
    busyUpTo: async (rowId, cap) => busyUpTo(sqlite, rowId, cap),
    startJob: (job) => store.startJob(job),
    endJob: (jobId, state, error, now) => store.endJob(jobId, state, error, now),
    takeJob: async (jobId) => ({
      batch: (limit, now) => store.recoverBatch(jobId, limit, now),
      release: async () => {},
    }),
  };
}
