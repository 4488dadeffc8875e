/** An error the store reported, with a code: SQLite's (SQLITE_FULL, SQLITE_CONSTRAINT_...) or the store's. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Another gateway serves this database file (serve-lock.ts). */
export const SERVED_ELSEWHERE = 'STORE_SERVED_ELSEWHERE';
/** The database file is missing where a gateway served one: it is never re-created empty silently. */
export const FILE_MISSING = 'STORE_FILE_MISSING';
/** The database file was deleted or replaced while this gateway served it. */
export const FILE_LOST = 'STORE_FILE_LOST';

/**
 * SQLite's codes for a store that cannot write now but may later (full disk, I/O error, a lock held
 * too long, out of memory), as opposed to a write refused for its content (a constraint).
 */
const TRANSIENT = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|NOMEM|PROTOCOL|CANTOPEN)/;

export function isTransientStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT.test(code);
}
