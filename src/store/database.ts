import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';
import { serveLockFile } from './serve-lock.js';
import { FILE_MISSING, StoreError } from './store-error.js';

export type GatewaySchema = typeof schema;

export interface GatewayDatabase {
  sqlite: BetterSqlite3.Database;
  db: BetterSQLite3Database<GatewaySchema>;
  close(): void;
}

export interface OpenDatabaseOptions {
  /** Open an existing, already migrated file without writing to it (inspection commands). */
  readonly?: boolean;
  /**
   * Page cache, KiB; SQLite's default (about 2 MiB) when absent, enough for configuration, routing and
   * inspection. The store thread's connection, which takes the hot inserts, asks for more (StoreClient).
   */
  cacheKiB?: number;
}

// This file sits at src/store/ under tsx and at dist/store/ after tsc: the package root is two levels up
// either way, whatever the working directory.
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
const MIGRATIONS_TABLE = '__drizzle_migrations';
const AUTO_VACUUM_INCREMENTAL = 2;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** The database file cannot be used as it is; `reason` says why and what to do, in one line. */
export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`database ${file} ${reason}`);
  }
}

// What an operator can do about each failure, by SQLite's or the file system's error code.
const OPEN_FAILURES: readonly [RegExp, string][] = [
  [
    /^(SQLITE_NOTADB|SQLITE_CORRUPT)/,
    'is not a gateway database or is corrupt: restore a backup or name another file',
  ],
  [/^SQLITE_READONLY/, 'is read-only: give the gateway write access to the file and its folder'],
  [
    /^(SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_AUTH|EACCES|EPERM)/,
    'cannot be opened: check it exists and the gateway may read and write it and its folder',
  ],
  [/^(SQLITE_FULL|ENOSPC)/, 'cannot be written: the disk is full; free some space'],
  [/^(SQLITE_IOERR|EIO)/, 'cannot be read or written (an I/O error): check the disk'],
  [/^(ENOTDIR|EEXIST)/, 'has a file where a folder of its path should be: fix the path'],
];

function openFailure(file: string, error: unknown): DatabaseOpenError | null {
  if (error instanceof DatabaseOpenError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const known = OPEN_FAILURES.find(([pattern]) => pattern.test(code));
  return known === undefined ? null : new DatabaseOpenError(file, `${known[1]} (${code})`);
}

/** Opens (creating when missing) the gateway's SQLite file, sets the pragmas and applies pending migrations. */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): GatewayDatabase {
  try {
    return openChecked(file, options);
  } catch (error) {
    throw openFailure(file, error) ?? error;
  }
}

function openChecked(file: string, options: OpenDatabaseOptions): GatewayDatabase {
  const readonly = options.readonly === true;
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory && statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DatabaseOpenError(file, 'is a folder: name a file (it is created when missing)');
  }
  if (!inMemory && !readonly) {
    if (!existsSync(file) && existsSync(serveLockFile(file))) {
      // A gateway served a database here, and it is gone: starting on an empty one would silently
      // forget every event it had acknowledged.
      throw new StoreError(
        `${file} is missing, but a gateway served a database there (${serveLockFile(file)} exists): restore the database file, or delete ${serveLockFile(file)} to start with an empty one`,
        FILE_MISSING,
      );
    }
    mkdirSync(dirname(file), { recursive: true });
  }
  const sqlite = new BetterSqlite3(file, { readonly, fileMustExist: readonly });
  try {
    // Pruned rows give their pages back to the file system (Pruner.vacuumStep), so the file stays as large
    // as what is kept. The mode takes effect for a file without tables; an older file is rebuilt once.
    if (!readonly && sqlite.pragma('auto_vacuum', { simple: true }) !== AUTO_VACUUM_INCREMENTAL) {
      sqlite.pragma('auto_vacuum = INCREMENTAL');
      if (!inMemory) sqlite.exec('VACUUM');
    }
    // WAL is a property of the file: it persists, and a read-only connection may not change it.
    if (!readonly) sqlite.pragma('journal_mode = WAL');
    // After a checkpoint the WAL file is cut back to this size, so a burst does not leave it large.
    sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    sqlite.pragma('foreign_keys = ON');
    // FULL: an event acknowledged to its producer survives power loss; the event writer batches commits
    // so the extra fsync is paid once per batch, not once per event.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    // Sorts and temporary indexes of queries stay in memory rather than in temporary files.
    sqlite.pragma('temp_store = MEMORY');
    if (options.cacheKiB !== undefined) sqlite.pragma(`cache_size = -${options.cacheKiB}`);
    const db = drizzle(sqlite, { schema });
    refuseNewerSchema(file, sqlite);
    if (!readonly) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER, migrationsTable: MIGRATIONS_TABLE });
    return { sqlite, db, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

interface JournalEntry {
  when: number;
  tag: string;
}

let journal: JournalEntry[] | undefined;

/** The migrations shipped with this build: read once, since /readyz asks on every probe. */
function journalEntries(): JournalEntry[] {
  journal ??= (
    JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: JournalEntry[] }
  ).entries;
  return journal;
}

/**
 * A database migrated by a newer gateway has migrations this build does not ship: migrating would skip
 * them silently and this build would misread their tables, so it refuses to open the file.
 */
function refuseNewerSchema(file: string, sqlite: BetterSqlite3.Database): void {
  const applied = appliedMigrations(sqlite);
  if (applied === null) return;
  const known = new Set(journalEntries().map((entry) => entry.when));
  const unknown = [...applied].filter((when) => !known.has(when));
  if (unknown.length > 0) {
    throw new DatabaseOpenError(
      file,
      `was written by a newer version of the gateway (${unknown.length} migration(s) this version does not know): run that version, or restore a backup made for this one`,
    );
  }
}

/** The created_at of every applied migration, or null when the file has never been migrated. */
function appliedMigrations(sqlite: BetterSqlite3.Database): Set<number> | null {
  const table = sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
    .get(MIGRATIONS_TABLE);
  if (table === undefined) return null;
  const rows = sqlite.prepare(`SELECT created_at FROM ${MIGRATIONS_TABLE}`).all() as {
    created_at: number | string;
  }[];
  return new Set(rows.map((row) => Number(row.created_at)));
}

/** Readiness: true when every migration shipped in drizzle/ is recorded as applied in this database. */
export function isMigrated(g: GatewayDatabase): boolean {
  const applied = appliedMigrations(g.sqlite);
  return applied !== null && journalEntries().every((entry) => applied.has(entry.when));
}
