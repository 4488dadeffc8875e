import { loadConfig, retentionPolicy } from '../config/index.js';
import { openDatabase } from '../store/database.js';
import { pruneNow } from '../store/pruner.js';

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
    const { removed, freedBytes } = pruneNow(database.sqlite, retentionPolicy(config.gateway), {
      dry: dryRun,
    });
    const verb = dryRun ? 'would remove' : 'removed';
    process.stdout.write(
      `${verb} ${removed.events} event(s), ${removed.deliveries} delivery(ies), ${removed.attempts} attempt(s) and ` +
        `${removed.tombstones} tombstone(s) of pruned events from ${file}\n`,
    );
    process.stdout.write(
      `${verb} ${removed.audit} audit log entry(ies) older than Retention.AuditDays (${config.gateway.Retention.AuditDays})\n`,
    );
    if (!dryRun) process.stdout.write(`returned ${Math.round(freedBytes / 1024)} KiB to the file system\n`);
  } finally {
    database.close();
  }
}
