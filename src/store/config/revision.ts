import { eq, sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { storeMarks } from '../schema/index.js';

/**
 * Every configuration change, whoever makes it (a document applied at start, on SIGHUP or by `gateway
 * import`, a producer's group PUT), takes the next revision in its transaction and stamps what it changed
 * with it. A gateway serving the database compares the revision with the one its routing was built from,
 * which is how a change made by another process reaches it.
 */
export const CONFIG_REVISION = 'config_revision';

/** Takes the next revision; call inside the change's write transaction. */
export function nextRevision(g: GatewayDatabase): number {
  const row = g.db
    .insert(storeMarks)
    .values({ name: CONFIG_REVISION, value: 1 })
    .onConflictDoUpdate({ target: storeMarks.name, set: { value: sql`${storeMarks.value} + 1` } })
    .returning({ value: storeMarks.value })
    .get();
  return row.value;
}

/** The last revision committed (0 before any change). */
export function currentRevision(g: GatewayDatabase): number {
  return (
    g.db
      .select({ value: storeMarks.value })
      .from(storeMarks)
      .where(eq(storeMarks.name, CONFIG_REVISION))
      .get()?.value ?? 0
  );
}
