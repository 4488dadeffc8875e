const SECONDS = /^\d+$/;
const DAY_NAME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * Retry-After (RFC 9110 §10.2.3) as milliseconds from `nowMs`: delta-seconds or an HTTP-date. Returned
 * raw (a past date gives a negative number); bounding it is the retry policy's job. Null when absent or
 * unparseable, so a junk header is ignored rather than trusted.
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, nowMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text === '') return null;
  if (SECONDS.test(text)) return Number(text) * 1000;
  // Every HTTP-date form starts with a day name; Date.parse alone would accept '5.5' or an ISO date.
  if (!DAY_NAME.test(text)) return null;
  // HTTP dates are GMT; asctime carries no zone and Date.parse would read it as local time.
  const at = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isNaN(at) ? null : at - nowMs;
}
