#!/usr/bin/env node
import { ConfigError, loadConfig } from '../config/index.js';
import { DatabaseOpenError } from '../store/database.js';
import { isPostgresUrl } from '../store/pg/url.js';
import { FILE_MISSING, SERVED_ELSEWHERE, StoreError } from '../store/store-error.js';
import { CommandError } from './command-error.js';
import { exportCommand, importCommand } from './import-export.js';
import { pruneCommand } from './prune.js';
import { serve } from './serve.js';
import { traceCommand } from './trace.js';

const USAGE = `usage: gateway [command]
  serve                      run the gateway (default)
  import FILE [--dry-run]    apply a configuration document (desired state); --dry-run prints the changes only
  export [FILE]              write the current configuration as a document (stdout by default)
  trace EVENT_ID [--json]    what happened to one event: its matches, deliveries and every attempt;
                             --json answers as GET /v1/admin/events/{Id} does
  prune [--dry-run]          remove what Gateway.Retention no longer keeps now; --dry-run prints it only
environment: GATEWAY_CONFIG (default config.example.json), GATEWAY_DATABASE, GATEWAY_LISTEN, LOG_LEVEL`;

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const args = rest.filter((a) => !a.startsWith('--'));
  if (command === 'import' && args[0] === undefined) throw new UsageError('import needs a FILE');
  if (command === 'trace' && args[0] === undefined) throw new UsageError('trace needs an EVENT_ID');
  const inspection = ['import', 'export', 'trace', 'prune'].includes(command);
  if (inspection && usesPostgres(command, args)) {
    const { pgCommand } = await import('./pg-commands.js');
    return pgCommand(command, args, flags);
  }
  switch (command) {
    case 'serve':
      return serve();
    case 'import':
      return importCommand(args[0] as string, flags.has('--dry-run'));
    case 'export':
      return exportCommand(args[0]);
    case 'trace':
      return traceCommand(args[0] as string, { json: flags.has('--json') });
    case 'prune':
      return pruneCommand(flags.has('--dry-run'));
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

class UsageError extends Error {}

/** The command's configuration keeps the store on PostgreSQL (import reads the FILE it is given). */
function usesPostgres(command: string, args: string[]): boolean {
  const env = command === 'import' ? { ...process.env, GATEWAY_CONFIG: args[0] } : process.env;
  return isPostgresUrl(loadConfig({ env }).config.gateway.Database);
}

/** Store errors that refuse to start rather than fail: exit 2, as a bad configuration does. */
const REFUSALS = new Set([SERVED_ELSEWHERE, FILE_MISSING]);

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StoreError && error.code !== undefined && REFUSALS.has(error.code)) {
    // One line: which database, and why this process may not serve it.
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError || error instanceof UsageError) {
    process.stderr.write(`${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ''}`);
    process.exit(2);
  }
  if (error instanceof CommandError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof DatabaseOpenError) {
    // import, export and trace open the database as serve does, and fail the same plain way.
    process.stderr.write(`gateway: ${error.message} (Gateway.Database, or GATEWAY_DATABASE)\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
