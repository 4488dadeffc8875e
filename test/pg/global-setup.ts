import { postgresAvailable, SKIP_MESSAGE } from '../support/postgres.js';

/**
 * One line for the whole run when the PostgreSQL suites cannot run here (each file skips itself); CI
 * (GATEWAY_REQUIRE_POSTGRES=1, set by .ci/run) fails instead of skipping them.
 */
export default function setup(): void {
  if (postgresAvailable()) return;
  if (process.env.GATEWAY_REQUIRE_POSTGRES === '1') throw new Error(SKIP_MESSAGE);
  console.warn(SKIP_MESSAGE);
}
