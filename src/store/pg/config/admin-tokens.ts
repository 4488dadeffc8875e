import type pg from 'pg';
import { adminTokenAudit, type StoredAdminToken } from '../../config/admin-tokens.js';
import { inTransaction, LOCKS } from '../sql.js';
import { announceRevision, nextRevisionPg, type Queryable, writeAuditPg } from './apply.js';

interface TokenRow {
  name: string;
  token_sha256: string;
  role: StoredAdminToken['role'];
  organizations: string | null;
  created_at: string;
  created_by: string;
}

const stored = (row: TokenRow): StoredAdminToken => ({
  name: row.name,
  tokenSha256: row.token_sha256,
  role: row.role,
  organizations: row.organizations === null ? null : (JSON.parse(row.organizations) as string[]),
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
});

/** Every stored token, by Name. */
export async function readStoredAdminTokensPg(client: Queryable): Promise<StoredAdminToken[]> {
  const rows = await client.query<TokenRow>('SELECT * FROM admin_tokens ORDER BY name COLLATE "C"');
  return rows.rows.map(stored);
}

/**
 * A token change, with its audit entry, in one transaction under the configuration lock; it takes the
 * next configuration revision, so every instance reloads its tokens when it sees the revision move.
 */
function tokenChange<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T | null>,
): Promise<T | null> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCKS.config]);
    const done = await work(client);
    if (done !== null) await announceRevision(client, await nextRevisionPg(client));
    return done;
  });
}

/** Stores a token with its audit entry; false, having written nothing, when the Name or digest is taken. */
export async function insertAdminTokenPg(pool: pg.Pool, token: StoredAdminToken): Promise<boolean> {
  const done = await tokenChange(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO admin_tokens (name, token_sha256, role, organizations, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [
        token.name,
        token.tokenSha256,
        token.role,
        token.organizations === null ? null : JSON.stringify(token.organizations),
        token.createdAt,
        token.createdBy,
      ],
    );
    if (inserted.rowCount !== 1) return null;
    await writeAuditPg(client, [adminTokenAudit(token.createdBy, token, 'create')], token.createdAt);
    return true;
  });
  return done === true;
}

/** Deletes a stored token with its audit entry; the token deleted, or null when there was none. */
export function deleteAdminTokenPg(
  pool: pg.Pool,
  name: string,
  actor: string,
  at: number,
): Promise<StoredAdminToken | null> {
  return tokenChange(pool, async (client) => {
    const deleted = await client.query<TokenRow>('DELETE FROM admin_tokens WHERE name = $1 RETURNING *', [
      name,
    ]);
    const row = deleted.rows[0];
    if (row === undefined) return null;
    const token = stored(row);
    await writeAuditPg(client, [adminTokenAudit(actor, token, 'delete')], at);
    return token;
  });
}
