/*
 * Kept apart from the driver: configuration loading and the store selection ask these of every
 * Database setting, and must not load node-postgres to do so.
 */

/** True for a Gateway.Database that names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** A Database setting fit for a log line: a URL's password left out (a file path as it is). */
export function redactUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
