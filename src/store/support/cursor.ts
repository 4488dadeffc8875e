/**
 * Keyset pagination: a page ends with the (time, row id) of its last row, and the next page starts past
 * it, so pages stay stable while rows are added and each costs an index seek however deep it is.
 */
export interface Keyset {
  at: number;
  id: number;
}

/** The opaque Cursor a page hands out: base64url of "at.id". */
export function encodeCursor(k: Keyset): string {
  return Buffer.from(`${k.at}.${k.id}`).toString('base64url');
}

/** The keyset of a Cursor, or null when it is not one this store handed out. */
export function decodeCursor(cursor: string): Keyset | null {
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (m === null) return null;
  return { at: Number(m[1]), id: Number(m[2]) };
}

export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Cuts a fetch of limit + 1 rows (newest first) to a page and its cursor. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => Keyset): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(key(items[items.length - 1] as T)) };
}
