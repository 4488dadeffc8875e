import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { ApiError } from '../errors.js';

/**
 * A resource's ETag: a strong validator over its whole stored form (secret included, so a rotation
 * changes it, but only as a digest). The same state always gives the same ETag, whoever reads it.
 */
export function etagOf(value: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 27)}"`;
}

// Secrets enter ETags keyed by a key of this process: an ETag changes when the secret does, but cannot be
// used to test guesses of it. ETags of webhooks with a secret change at a restart (a re-read fixes a 412).
const SECRET_KEY = randomBytes(32);

/** A secret as it enters an ETag. */
export const secretTag = (secret: string | undefined): string | null =>
  secret === undefined ? null : createHmac('sha256', SECRET_KEY).update(secret).digest('base64url');

/**
 * A change must name the version it was made against: no If-Match is 428, one that names neither the
 * current version nor `*` is 412 (someone changed the resource since it was read). Weak tags are
 * compared by their opaque part.
 */
export function requireIfMatch(c: Context, current: string): void {
  const header = c.req.header('if-match');
  if (header === undefined || header.trim() === '')
    throw new ApiError(
      'PRECONDITION_REQUIRED',
      'If-Match is required: send the ETag of the version you read (If-Match: "<etag>")',
    );
  const tags = header.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (tags.includes('*') || tags.includes(current)) return;
  throw new ApiError(
    'PRECONDITION_FAILED',
    `If-Match ${header.trim()} is not the current version ${current}: read it again and retry`,
  );
}
