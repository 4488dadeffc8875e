import type pg from 'pg';
import { EVENT_TYPES } from '../../catalogue/index.js';
import type { DeliveryEngine } from '../../delivery/engine/engine.js';
import type { Logger } from '../../log/logger.js';
import { GatewayMetrics, sumCounts } from '../../metrics/gateway-metrics.js';
import type { Router } from '../../routing/router.js';
import { waitingCountsPg } from '../../store/pg/support/health.js';
import { PgSupportStore } from '../../store/pg/support/index.js';
import { startSupportOn } from './index.js';

/** How often an instance looks for recovery jobs whose instance stopped or died, to take them over. */
const JOB_TAKEOVER_MS = 1_000;

/**
 * Support's operations on a gateway on PostgreSQL, for one instance: queries and repairs on the shared
 * database, repairs announced to the other instances (whichever claims the webhook's deliveries sends
 * them), recovery jobs run by one instance at a time and taken over when it goes.
 */
export function startPgSupport(deps: {
  pool: pg.Pool;
  instanceId: string;
  engine: DeliveryEngine;
  router: Router;
  logger: Logger;
  jobTakeoverMs?: number;
}) {
  const store = new PgSupportStore(deps.pool, deps.instanceId);
  const started = startSupportOn({ ...deps, store });
  started.jobs.watch(deps.jobTakeoverMs ?? JOB_TAKEOVER_MS);
  return started;
}

/**
 * The metrics of one instance on PostgreSQL: the counters and the breakers are this instance's (each
 * scrapes its own), the deliveries-waiting gauge is read from the shared database when scraped, so it is
 * the same on every instance.
 */
export function pgInstanceMetrics(
  pool: pg.Pool,
  openBreakers: () => number,
  /** What this instance's lanes hold claimed and unstarted (the database has those in flight). */
  queued: () => Record<string, number>,
  pacedLanes: () => number,
) {
  let waiting: Record<string, number> = {};
  const metrics = new GatewayMetrics(EVENT_TYPES, { waiting: () => waiting, openBreakers, pacedLanes });
  return {
    metrics,
    async render() {
      waiting = sumCounts(await waitingCountsPg(pool), queued());
      return metrics.render();
    },
  };
}
