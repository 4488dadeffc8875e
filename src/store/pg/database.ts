import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema/index.js';
import { isPostgresUrl, redactUrl } from './url.js';

export { isPostgresUrl, redactUrl };

export type PgSchema = typeof schema;

export interface PgDatabase {
  /** Connections that commit durably (synchronous_commit on): accepted events and configuration. */
  pool: pg.Pool;
  /**
   * Connections for claims, outcomes and releases, committed without waiting for the WAL flush
   * (synchronous_commit off): one lost to a crash of the server means a repeated attempt, which
   * at-least-once delivery keyed by Id already allows; the next durable commit flushes them too.
   */
  relaxed: pg.Pool;
  db: NodePgDatabase<PgSchema>;
  /** The URL with its password left out, for logs and messages. */
  where: string;
  close(): Promise<void>;
}

export interface OpenPgOptions {
  /** Connections in the pool (Gateway.DatabasePoolSize). */
  poolSize?: number;
  /** Skip the migrations (a caller that already ran them on this database). */
  migrate?: boolean;
}

// src/store/pg/ under tsx, dist/store/pg/ after tsc: the package root is three levels up either way.
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle-pg', import.meta.url));

/** Every instance migrating at start takes this lock first, so instances starting together migrate once. */
const MIGRATION_LOCK = 7_261_001;

// bigint columns hold milliseconds and row ids, all far below 2^53: read them as numbers, on these pools
// only (pg's global type table is left alone).
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    // biome-ignore lint/suspicious/noExplicitAny: pg's typed overloads do not accept a union format
    return pg.types.getTypeParser(oid, format as any);
  },
};

/**
 * Opens a pool on the database and brings its schema up to date (drizzle-pg/, in one transaction under
 * an advisory lock: an instance killed mid-migration leaves the schema as it was, and the next start
 * migrates again).
 */
export async function openPgDatabase(url: string, options: OpenPgOptions = {}): Promise<PgDatabase> {
  const size = options.poolSize ?? 10;
  const pool = new pg.Pool({ connectionString: url, max: size, types });
  const relaxed = new pg.Pool({
    connectionString: url,
    max: Math.max(2, Math.ceil(size / 2)),
    types,
    // The delivery queue inlines strings as literals quoted for standard_conforming_strings (prepared.ts).
    options: '-c synchronous_commit=off -c standard_conforming_strings=on',
  });
  // An idle connection the server dropped must not end the process; the next query reconnects.
  pool.on('error', () => {});
  relaxed.on('error', () => {});
  const close = async () => {
    await Promise.all([pool.end(), relaxed.end()]);
  };
  try {
    if (options.migrate !== false) await migrateLocked(pool);
  } catch (error) {
    await close();
    throw error;
  }
  return { pool, relaxed, db: drizzle({ client: pool, schema }), where: redactUrl(url), close };
}

async function migrateLocked(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
