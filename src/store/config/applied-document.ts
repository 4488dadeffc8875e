import { eq } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { appliedDocuments } from '../schema/index.js';

/** The document `gateway serve` reads: applied at start only when it differs from the last one applied. */
export const START_DOCUMENT = 'start';

export function appliedDocumentHash(g: GatewayDatabase, name: string): string | null {
  return (
    g.db
      .select({ sha256: appliedDocuments.sha256 })
      .from(appliedDocuments)
      .where(eq(appliedDocuments.name, name))
      .get()?.sha256 ?? null
  );
}

export function recordAppliedDocument(g: GatewayDatabase, name: string, sha256: string): void {
  const appliedAt = Date.now();
  g.db
    .insert(appliedDocuments)
    .values({ name, sha256, appliedAt })
    .onConflictDoUpdate({ target: appliedDocuments.name, set: { sha256, appliedAt } })
    .run();
}
