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
