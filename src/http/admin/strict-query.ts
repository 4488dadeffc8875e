import { z } from '@hono/zod-openapi';
import { editDistance } from '../../catalogue/suggest.js';

/** The known parameter a misspelt one most likely meant: same letters in another case, or one or two edits. */
export function closestParameter(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  const ranked = known
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase()) }))
    .filter((c) => c.d <= Math.min(2, Math.floor(c.k.length / 3)))
    .sort((a, b) => a.d - b.d);
  return ranked[0]?.k;
}

/**
 * A query string schema that refuses parameters it does not know, each named at `$.<name>` (with the one
 * it most likely meant), as bodies refuse unknown keys: a misspelt filter would otherwise widen the answer
 * silently. The OpenAPI document declares the known parameters only.
 */
export function strictQuery<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.looseObject(shape).superRefine((value, ctx) => {
    for (const name of Object.keys(value)) {
      if (known.includes(name)) continue;
      const meant = closestParameter(name, known);
      const hint = meant === undefined ? '' : `; did you mean ${meant}?`;
      const list = known.length === 0 ? 'none' : known.join(', ');
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `unknown query parameter (known: ${list})${hint}`,
      });
    }
  });
}
