import type { GatewaySection } from '../config/index.js';
import { DatabaseOpenError } from '../store/database.js';
import { CommandError } from './command-error.js';

const DATABASE_SETTING = 'Gateway.Database, or GATEWAY_DATABASE';
const LISTEN_SETTING = 'Gateway.Listen, or GATEWAY_LISTEN';

const LISTEN_FAILURES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is in use: stop the process using it or choose another port',
  EACCES: 'the port needs privileges the gateway does not have: choose a port above 1023',
  EADDRNOTAVAIL: 'no interface of this machine has that address: choose one it has, or 0.0.0.0',
};

/**
 * The one line a failed start prints, naming the setting to change and what to do, or null for a
 * failure that is a bug (printed with its stack).
 */
export function startFailure(
  error: unknown,
  gateway: Pick<GatewaySection, 'Database' | 'Listen'>,
): CommandError | null {
  if (error instanceof DatabaseOpenError) {
    return new CommandError(`gateway: cannot start: ${error.message} (${DATABASE_SETTING})`);
  }
  const code = (error as { code?: unknown } | null)?.code;
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  if (typeof code !== 'string') return null;
  if (syscall === 'listen' && LISTEN_FAILURES[code] !== undefined) {
    return new CommandError(
      `gateway: cannot start: cannot listen on ${gateway.Listen}: ${LISTEN_FAILURES[code]} (${LISTEN_SETTING})`,
    );
  }
  if (code.startsWith('SQLITE_') || code === 'ENOSPC') {
    // The store failed after opening (applying the configuration, the store thread): full disk and kin.
    const reason = /FULL|ENOSPC/.test(code)
      ? 'the disk is full; free some space'
      : 'check the file and its disk';
    return new CommandError(
      `gateway: cannot start: database ${gateway.Database} failed (${code}): ${reason} (${DATABASE_SETTING})`,
    );
  }
  return null;
}
