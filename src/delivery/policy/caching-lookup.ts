import type { LookupFn, ResolvedAddress } from './destination.js';

export interface CachingLookupOptions {
  /** How long an answer is reused. Short, so a moved endpoint is followed within seconds. */
  ttlMs?: number;
  /** Bound on distinct host names kept; the oldest entry goes first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  expiresAt: number;
  answer: Promise<readonly ResolvedAddress[]>;
}

/**
 * Wraps a lookup so a busy endpoint does not cost one getaddrinfo per delivery. Only answers are cached
 * (never a verdict): resolveDestination re-applies the policy to the cached addresses on every send.
 * Concurrent lookups of one name share a single in-flight query; failures are not cached.
 */
export function cachingLookup(lookup: LookupFn, options: CachingLookupOptions = {}): LookupFn {
  const ttlMs = options.ttlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 1024;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  return (hostname) => {
    const at = now();
    const cached = entries.get(hostname);
    if (cached !== undefined && cached.expiresAt > at) return cached.answer;
    if (cached !== undefined) entries.delete(hostname);
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    const answer = lookup(hostname);
    const entry: Entry = { expiresAt: at + ttlMs, answer };
    entries.set(hostname, entry);
    answer.catch(() => {
      if (entries.get(hostname) === entry) entries.delete(hostname);
    });
    return answer;
  };
}
