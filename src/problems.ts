/**
 * The one shape every validation problem takes, whether it comes from an event, a configuration
 * document or an HTTP request: a JSON path ($, $.Webhooks[0].Endpoint, $[3].Timestamp) and a message.
 */
export interface Problem {
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders path segments as a JSON path: ['a', 0, 'b c'] -> $.a[0]["b c"]. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Problems of one element of an array, re-rooted under that element's index: $.x -> $[3].x. */
export function atIndex(problems: readonly Problem[], index: number): Problem[] {
  return problems.map((p) => ({ path: `$[${index}]${p.path.slice(1)}`, message: p.message }));
}

/** Minimal structural view of a zod issue, so this module does not depend on zod's internals. */
export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

export function problemsFromIssues(issues: readonly IssueLike[]): Problem[] {
  return issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
}
