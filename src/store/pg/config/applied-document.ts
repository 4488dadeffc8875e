import type { Queryable } from './apply.js';

/** The digest of the document last applied under `name` (store/config/applied-document.ts), or null. */
export async function appliedDocumentHashPg(client: Queryable, name: string): Promise<string | null> {
  const row = await client.query<{ sha256: string }>('SELECT sha256 FROM applied_documents WHERE name = $1', [
    name,
  ]);
  return row.rows[0]?.sha256 ?? null;
}

export async function recordAppliedDocumentPg(
  client: Queryable,
  name: string,
  sha256: string,
): Promise<void> {
  await client.query(
    `INSERT INTO applied_documents (name, sha256, applied_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET sha256 = EXCLUDED.sha256, applied_at = EXCLUDED.applied_at`,
    [name, sha256, Date.now()],
  );
}
