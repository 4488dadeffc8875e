import { describe, expect, it } from 'vitest';
import { jsonDepthProblem, MAX_JSON_DEPTH } from './json-depth.js';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

describe('jsonDepthProblem', () => {
  it('lets the limit itself through and names the first place past it', () => {
    expect(jsonDepthProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    const problem = jsonDepthProblem(nested(MAX_JSON_DEPTH + 1));
    expect(problem?.message).toBe(
      `nests deeper than the limit of ${MAX_JSON_DEPTH} levels of objects and arrays`,
    );
    expect(problem?.path.match(/\.a|\[0\]/g)).toHaveLength(MAX_JSON_DEPTH);
  });

  it('walks 100,000 levels without exhausting the stack', () => {
    expect(jsonDepthProblem(nested(100_000), 10)?.path).toMatch(/^\$(\[0\]|\.a){10}$/);
  });

  it('is quiet about flat values and wide objects', () => {
    expect(jsonDepthProblem(null)).toBeNull();
    expect(jsonDepthProblem('text')).toBeNull();
    expect(
      jsonDepthProblem({ a: [1, 2, { b: null }], c: Array.from({ length: 1000 }, () => ({})) }),
    ).toBeNull();
  });
});
