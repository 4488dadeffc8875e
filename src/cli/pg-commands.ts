import { resolve } from 'node:path';
import { applyConfigPg } from '../config/apply-pg.js';
import { organizationDocument } from '../config/export.js';
import { formatChange, loadConfig, retentionPolicy } from '../config/index.js';
import { readStatePg } from '../store/pg/config/read-state.js';
import { openPgDatabase, type PgDatabase } from '../store/pg/database.js';
import { prunePass } from '../store/pg/pruner.js';
import { inTransaction } from '../store/pg/sql.js';
import { traceEventPg } from '../store/pg/trace.js';
import { CommandError } from './command-error.js';
import { writeSecret } from './import-export.js';
import { printTrace, refuseNonGuid } from './trace.js';

/**
 * The CLI commands on a PostgreSQL store (main.ts loads this module only for such a store). `import` writes through the same serialised transaction as
 * the instances, which NOTIFY makes follow within a second; `trace` and `prune` read and prune beside
 * running instances (a prune pass waits for none: if an instance is pruning, it removes nothing).
 */
export async function pgCommand(command: string, args: string[], flags: Set<string>): Promise<void> {
  const dryRun = flags.has('--dry-run');
  const env = command === 'import' ? { ...process.env, GATEWAY_CONFIG: args[0] } : process.env;
  const { config } = loadConfig({ env });
  const database = await openPgDatabase(config.gateway.Database, { poolSize: 2 });
  try {
    switch (command) {
      case 'import':
        return await importPg(database, config, dryRun);
      case 'export':
        return await exportPg(database, config, args[0]);
      case 'trace':
        return await tracePg(database, args[0] as string, flags.has('--json'));
      case 'prune':
        return await prunePg(database, config, dryRun);
      default:
        throw new CommandError(
          `${command}: not available on a PostgreSQL database yet (Gateway.Database ${database.where})`,
          2,
        );
    }
  } finally {
    await database.close();
  }
}

async function importPg(
  database: PgDatabase,
  config: ReturnType<typeof loadConfig>['config'],
  dryRun: boolean,
) {
  const changes = await applyConfigPg(database.pool, config, { dryRun });
  for (const change of changes) process.stdout.write(`${formatChange(change)}\n`);
  const verb = dryRun ? 'would apply' : 'applied';
  process.stdout.write(
    `${changes.length === 0 ? 'no changes' : `${verb} ${changes.length} change(s)`} to ${database.where}\n`,
  );
}

/**
 * `gateway export [FILE]` on PostgreSQL: the configuration as the instances route with it, read in one
 * REPEATABLE READ snapshot (a change committed meanwhile is in it wholly or not at all), in the same
 * document form as on SQLite, so it imports to the same state on either store. It holds secrets: FILE is
 * written readable by its owner alone.
 */
async function exportPg(
  database: PgDatabase,
  config: ReturnType<typeof loadConfig>['config'],
  file: string | undefined,
) {
  const organizations = await inTransaction(database.pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const ids = await client.query<{ id: string }>('SELECT id FROM organizations');
    return readStatePg(
      client,
      ids.rows.map((r) => r.id),
    );
  });
  const document = { Gateway: config.gateway, Organizations: organizations.map(organizationDocument) };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (file === undefined) process.stdout.write(text);
  else writeSecret(resolve(file), text);
}

async function tracePg(database: PgDatabase, eventId: string, json: boolean) {
  refuseNonGuid(eventId);
  printTrace(eventId, await traceEventPg(database.pool, eventId), json);
}

async function prunePg(
  database: PgDatabase,
  config: ReturnType<typeof loadConfig>['config'],
  dryRun: boolean,
) {
  const { removed, ran } = await prunePass(database.pool, retentionPolicy(config.gateway), { dry: dryRun });
  if (!ran) {
    process.stdout.write(`another gateway instance is pruning ${database.where} now: nothing removed\n`);
    return;
  }
  const verb = dryRun ? 'would remove' : 'removed';
  process.stdout.write(
    `${verb} ${removed.events} event(s), ${removed.deliveries} delivery(ies), ${removed.attempts} attempt(s) and ` +
      `${removed.tombstones} tombstone(s) of pruned events from ${database.where}\n` +
      `${verb} ${removed.audit} audit log entry(ies) older than Retention.AuditDays (${config.gateway.Retention.AuditDays})\n`,
  );
}
