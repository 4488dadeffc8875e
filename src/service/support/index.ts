import type BetterSqlite3 from 'better-sqlite3';
import type { DeliveryEngine } from '../../delivery/engine/engine.js';
import type { Logger } from '../../log/logger.js';
import type { Router } from '../../routing/router.js';
import type { StoreClient } from '../../store/thread/store-client.js';
import { RecoveryJobs } from './recovery-jobs.js';
import { Support } from './support-operations.js';

/** Support's operations for the admin API, with the recovery jobs the last run left running resumed. */
export function startSupport(deps: {
  sqlite: BetterSqlite3.Database;
  store: StoreClient;
  engine: DeliveryEngine;
  router: Router;
  logger: Logger;
}): { support: Support; jobs: RecoveryJobs } {
  const jobs = new RecoveryJobs({
    sqlite: deps.sqlite,
    store: deps.store,
    webhookExists: (rowId) => deps.router.webhook(rowId) !== undefined,
    wake: (rowId) => deps.engine.wake([rowId]),
    logger: deps.logger,
  });
  jobs.resume();
  const support = new Support({
    sqlite: deps.sqlite,
    store: deps.store,
    engine: deps.engine,
    router: deps.router,
    jobs,
  });
  return { support, jobs };
}
