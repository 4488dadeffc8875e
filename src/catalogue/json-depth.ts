import { jsonPath, type Problem } from '../problems.js';

/**
 * How deep a request body may nest objects and arrays. The spec's events nest three levels (a batch, an
 * event, a list of helper objects); the limit leaves room for unknown properties Enreach adds, and keeps
 * every later step (validation, serialisation, the store) far from the stack's limits.
 */
export const MAX_JSON_DEPTH = 64;

interface Node {
  value: unknown;
  depth: number;
  parent: Node | null;
  key: PropertyKey;
}

/** The first place a value nests deeper than maxDepth, as a problem naming the limit; else null. */
export function jsonDepthProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): Problem | null {
  // Iterative, so a hostile body cannot exhaust the stack here either; the path is built only on failure.
  const stack: Node[] = [{ value, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const current = node.value;
    if (typeof current !== 'object' || current === null) continue;
    if (node.depth >= maxDepth) {
      return {
        path: jsonPath(pathOf(node)),
        message: `nests deeper than the limit of ${maxDepth} levels of objects and arrays`,
      };
    }
    const depth = node.depth + 1;
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push({ value: current[i], depth, parent: node, key: i });
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null)
          stack.push({ value: child, depth, parent: node, key });
      }
    }
  }
  return null;
}

function pathOf(node: Node): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let n: Node | null = node; n !== null && n.parent !== null; n = n.parent) path.unshift(n.key);
  return path;
}
