import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { EditResult, OrganizationDocument } from '../../config/index.js';
import { ApiError } from '../errors.js';
import type { ConfigurationAdmin } from './config-port.js';
import { etagOf } from './etag.js';
import { type AdminPrincipal, organizationNotFound, requireOrganization, requireRole } from './principal.js';
import { strictQuery } from './strict-query.js';

/** ?Cursor=&Limit= of every list: Limit 1-1000 (100 by default), Cursor the previous page's NextCursor. */
export const listShape = {
  Cursor: z.string().optional().openapi({ description: "The previous page's NextCursor" }),
  Limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: '1-1000, default 100' }),
};
/** A list's query: a misspelt parameter is 400 naming it, as a body's unknown key is. */
export const listQuery = strictQuery(listShape);

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ Items: z.array(item), NextCursor: z.string().nullable() });

/** A cursor naming the last key of a page. */
export const encode = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/** The key a cursor of `encode` names; 400 on `$.Cursor` for anything else. */
export function decode(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (cursor === '' || encode(key) !== cursor)
    throw new ApiError('BAD_REQUEST', 'Invalid request', [
      { path: '$.Cursor', message: 'is not a cursor this API gave' },
    ]);
  return key;
}

/** One page of `items` in the order of `key`: those after the cursor's key, at most Limit of them. */
export function page<T>(
  items: readonly T[],
  key: (item: T) => string,
  query: { Cursor?: string | undefined; Limit?: number | undefined },
): { Items: T[]; NextCursor: string | null } {
  const after = query.Cursor === undefined ? null : decode(query.Cursor);
  const limit = query.Limit ?? 100;
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === null ? sorted : sorted.filter((item) => key(item) > after);
  const Items = rest.slice(0, limit);
  const last = Items.at(-1);
  return { Items, NextCursor: rest.length > limit && last !== undefined ? encode(key(last)) : null };
}

/** A resource's answer: its view as JSON, its version as ETag. */
export function withEtag<T>(c: Context, view: T, versioned: unknown = view): T {
  c.header('ETag', etagOf(versioned));
  return view;
}

/** The ETag header every resource answer carries. */
export const ETAG_HEADER = {
  ETag: { schema: { type: 'string' as const }, description: 'The version, for If-Match' },
};
export const IF_MATCH = z.object({
  'if-match': z.string().optional().openapi({ description: 'The ETag read: required to change or delete' }),
});

/** An organization the token may see, read for a request (404 the same when missing or out of scope). */
export function readOrganization(
  port: ConfigurationAdmin,
  admin: AdminPrincipal,
  organizationId: string,
): Promise<OrganizationDocument> {
  return readFor(admin, organizationId, () => port.organization(organizationId));
}

/** readOrganization with its groups only, none of their members (404 the same), for the groups list. */
export function readOrganizationGroups(
  port: ConfigurationAdmin,
  admin: AdminPrincipal,
  organizationId: string,
): Promise<OrganizationDocument> {
  return readFor(admin, organizationId, () => port.organizationGroups(organizationId));
}

/** readOrganization narrowed to one webhook (404 the same), for answers about that webhook alone. */
export function readOrganizationWebhook(
  port: ConfigurationAdmin,
  admin: AdminPrincipal,
  organizationId: string,
  webhookId: string,
): Promise<OrganizationDocument> {
  return readFor(admin, organizationId, () => port.organizationWithWebhook(organizationId, webhookId));
}

async function readFor(
  admin: AdminPrincipal,
  organizationId: string,
  read: () => Promise<OrganizationDocument | undefined>,
): Promise<OrganizationDocument> {
  requireOrganization(admin, organizationId);
  const org = await read();
  if (org === undefined) throw organizationNotFound(organizationId);
  return org;
}

/**
 * An editor's change of an existing organization the token may see, through the single change path;
 * `edit` runs in the change's transaction on the stored organization (404 when it is gone).
 */
export async function editOrganization(
  port: ConfigurationAdmin,
  admin: AdminPrincipal,
  organizationId: string,
  edit: (current: OrganizationDocument) => EditResult,
): Promise<void> {
  requireOrganization(admin, organizationId);
  requireRole(admin, 'editor');
  await port.edit(admin.name, organizationId, (current) => {
    if (current === undefined) throw organizationNotFound(organizationId);
    return edit(current);
  });
}

export const sameId = (a: string | undefined, b: string): boolean => a?.toLowerCase() === b.toLowerCase();
