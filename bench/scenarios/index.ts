import type { Scenario } from '../lib/scenario.js';
import { backlog } from './backlog.js';
import { fanout } from './fanout.js';
import { ingest } from './ingest.js';
import { isolation } from './isolation.js';
import { latency } from './latency.js';
import { matcher } from './matcher.js';
import { peer } from './peer.js';
import { postgres } from './postgres.js';
import { reload } from './reload.js';
import { retention } from './retention.js';
import { supportQueries } from './support-queries.js';
import { throughput } from './throughput.js';

/** In run order: peer comes last, so it can reuse the gateway's throughput and latency figures. */
export const SCENARIOS: readonly Scenario[] = [
  throughput,
  latency,
  fanout,
  ingest,
  matcher,
  isolation,
  backlog,
  retention,
  reload,
  postgres,
  supportQueries,
  peer,
];
