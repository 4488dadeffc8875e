import type BetterSqlite3 from 'better-sqlite3';
import type { DeliveryEngine } from '../../delivery/engine/engine.js';
import type { Logger } from '../../log/logger.js';
import type { Router } from '../../routing/router.js';
import type { StoreClient } from '../../store/thread/store-client.js';
import { RecoveryJobs } from './recovery-jobs.js';
import { sqliteSupportStore } from './sqlite-store.js';
import { Support } from './support-operations.js';
import type { JobStore, SupportStore } from './support-store.js';

/** Support's operations over a store, with the recovery jobs nobody runs resumed. */
export function startSupportOn(deps: {
  store: SupportStore & JobStore;
  engine: DeliveryEngine;
  router: Router;
  logger: Logger;
}): { support: Support; jobs: RecoveryJobs } {
  const jobs = new RecoveryJobs({
    store: deps.store,
    webhookExists: (rowId) => deps.router.webhook(rowId) !== undefined,
    wake: (rowId) => deps.engine.wake([rowId]),
    logger: deps.logger,
  });
  jobs.resumeInBackground();
  const support = new Support({ store: deps.store, engine: deps.engine, router: deps.router, jobs });
  return { support, jobs };
}

/** Support's operations for the admin API on SQLite, with the recovery jobs the last run left running resumed. */
export function startSupport(deps: {
  sqlite: BetterSqlite3.Database;
  store: StoreClient;
  engine: DeliveryEngine;
  router: Router;
  logger: Logger;
}): { support: Support; jobs: RecoveryJobs } {
  return startSupportOn({ ...deps, store: sqliteSupportStore(deps.sqlite, deps.store) });
}
