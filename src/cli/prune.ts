import { loadConfig, retentionPolicy } from '../config/index.js';
import { openDatabase } from '../store/database.js';
import { addCounts, noCounts, Pruner } from '../store/pruner.js';

/**
 * `gateway prune [--dry-run]`: removes now what Gateway.Retention no longer keeps, in the same short steps
 * as the running gateway's pruner (so it can run beside it), returns the freed pages to the file system,
 * and prints what it removed; --dry-run prints what it would remove and changes nothing.
 */
export function pruneCommand(dryRun: boolean): void {
  const { config } = loadConfig();
  const file = config.gateway.Database;
  const database = openDatabase(file, { readonly: dryRun });
  try {
    const pruner = new Pruner(database.sqlite, retentionPolicy(config.gateway));
    const total = noCounts();
    for (;;) {
      const { done, removed } = pruner.step(dryRun);
      addCounts(total, removed);
      if (done) break;
    }
    let freedPages = 0;
    if (!dryRun) {
      const pages = () => database.sqlite.pragma('page_count', { simple: true }) as number;
      const before = pages();
      while (!pruner.vacuumStep()) {}
      freedPages = before - pages();
    }
    const verb = dryRun ? 'would remove' : 'removed';
    process.stdout.write(
      `${verb} ${total.events} event(s), ${total.deliveries} delivery(ies), ${total.attempts} attempt(s) and ` +
        `${total.tombstones} tombstone(s) of pruned events from ${file}\n`,
    );
    if (!dryRun) {
      const pageSize = database.sqlite.pragma('page_size', { simple: true }) as number;
      process.stdout.write(`returned ${Math.round((freedPages * pageSize) / 1024)} KiB to the file system\n`);
    }
  } finally {
    database.close();
  }
}
