import type { GatewayDatabase } from '../store/database.js';
import type { ParsedConfig } from './parse.js';
import { type Change, planChanges } from './plan.js';
import { readState } from './read-state.js';
import { indexStates, writeChanges } from './write-changes.js';

export interface ApplyOptions {
  /** Compute and return the changes without writing anything. */
  dryRun?: boolean;
}

/**
 * Makes the stored configuration of the document's organizations equal to the document, in one
 * transaction (all or nothing), and returns what changed. Applying the same document again changes nothing.
 */
export function applyConfig(g: GatewayDatabase, parsed: ParsedConfig, options: ApplyOptions = {}): Change[] {
  const desired = parsed.organizations;
  const run = g.sqlite.transaction(() => {
    const current = readState(
      g,
      desired.map((o) => o.organizationId),
    );
    const changes = planChanges(current, desired);
    if (options.dryRun !== true)
      writeChanges(g, changes, indexStates(current), indexStates(desired), Date.now());
    return changes;
  });
  // IMMEDIATE takes the write lock before reading, so the plan cannot go stale before it is written.
  return options.dryRun === true ? run() : run.immediate();
}
