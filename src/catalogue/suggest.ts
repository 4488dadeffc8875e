import { EVENT_TYPES } from './events/index.js';

const MAX_SUGGESTIONS = 3;

/** CamelCase and separated words, lower-cased: 'QueueCallInUserConnected' -> queue call in user connected. */
export function tokens(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((token) => token.toLowerCase());
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (previous2[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A word counts as present when the candidate has it, allowing one typo in words of four letters or more. */
function hasToken(candidate: readonly string[], token: string): boolean {
  return candidate.some((c) => c === token || (token.length >= 4 && editDistance(c, token) <= 1));
}

interface Candidate {
  readonly name: string;
  readonly flat: string;
  readonly tokens: readonly string[];
}

const CANDIDATES: readonly Candidate[] = EVENT_TYPES.map((name) => ({
  name,
  flat: name.toLowerCase(),
  tokens: tokens(name),
}));

/**
 * Up to three known event types close to `name`, best first; none when nothing is close. Words the
 * caller wrote that a candidate lacks weigh most (so a missing word, as in the spec's own sample
 * "QueueCallInConnected", finds QueueCallInUserConnected rather than the nearer-by-letters
 * QueueCallInDisconnected), then the letter edit distance.
 */
export function suggestEventTypes(name: string): string[] {
  const words = tokens(name);
  const flat = words.join('');
  if (flat.length === 0) return [];
  const maxDistance = Math.max(2, Math.floor(flat.length / 3));
  return CANDIDATES.map((candidate) => {
    const missing = words.filter((w) => !hasToken(candidate.tokens, w)).length;
    const distance = editDistance(flat, candidate.flat);
    // Every word present is a strong hint even when many letters are missing ("CallInConnected").
    const close = distance <= maxDistance || (missing === 0 && flat.length >= 5);
    return { name: candidate.name, missing, distance, close };
  })
    .filter((s) => s.close)
    .sort((a, b) => a.missing - b.missing || a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS)
    .map((s) => s.name);
}
