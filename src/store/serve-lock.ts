import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SERVED_ELSEWHERE, StoreError } from './store-error.js';

/**
 * Beside the database, a small SQLite file that the serving gateway holds locked (an exclusive lock,
 * kept for as long as its connection is open). The operating system drops such a lock when its process
 * ends, however it ends (SIGKILL included), so a crashed gateway never leaves its database locked. The
 * file itself stays: it says a gateway served a database here (see openDatabase). Named apart from the
 * database's own files, so removing `gateway.db*` does not remove it.
 */
export function serveLockFile(dbFile: string): string {
  return join(dirname(dbFile), `.${basename(dbFile)}.serve-lock`);
}

/** Which process holds the lock: informative only (the lock itself is the authority). */
function pidFile(dbFile: string): string {
  return join(dirname(dbFile), `.${basename(dbFile)}.serve-pid`);
}

export interface ServeLock {
  release(): void;
}

/**
 * Takes the one serving gateway's place for this database file, or throws a StoreError (code
 * STORE_SERVED_ELSEWHERE) naming the file and the pid that holds it. Inspection and configuration
 * commands (trace, export, import, prune) do not take it.
 */
export function acquireServeLock(dbFile: string): ServeLock {
  mkdirSync(dirname(dbFile), { recursive: true });
  const lock = new BetterSqlite3(serveLockFile(dbFile), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new StoreError(
      `${dbFile} is already served by another gateway (pid ${holder(dbFile)}); one gateway serves a database at a time`,
      SERVED_ELSEWHERE,
    );
  }
  writeFileSync(pidFile(dbFile), `${process.pid}\n`);
  return {
    release() {
      if (!lock.open) return;
      rmSync(pidFile(dbFile), { force: true });
      lock.close();
    },
  };
}

function holder(dbFile: string): string {
  const file = pidFile(dbFile);
  if (!existsSync(file)) return 'unknown';
  return readFileSync(file, 'utf8').trim() || 'unknown';
}
