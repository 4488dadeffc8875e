import { EVENT_TYPES, suggestEventTypes } from '../catalogue/index.js';

const KNOWN = new Set<string>(EVENT_TYPES);

/** Null when the name is in the event catalogue, otherwise the message, with the closest name if any. */
export function eventTypeProblem(name: string): string | null {
  if (KNOWN.has(name)) return null;
  const [best] = suggestEventTypes(name);
  return best === undefined
    ? `Unknown EventType "${name}"`
    : `Unknown EventType "${name}". Did you mean "${best}"?`;
}
