import { createRoute, type z } from '@hono/zod-openapi';
import { ADMIN_SECURITY, errorResponses, jsonBody } from './openapi.js';
import { editorOnly } from './principal.js';
import { ETAG_HEADER, IF_MATCH, listQuery, pageOf } from './resource.js';

export const json = <T>(schema: T) => ({ 'application/json': { schema } });

export interface ResourceShape<
  LP extends z.ZodObject,
  IP extends z.ZodObject,
  V extends z.ZodType,
  CB extends z.ZodType,
  PB extends z.ZodType,
> {
  tag: string;
  /** The collection's path, `/organizations/{OrganizationId}/webhooks`, and one item's. */
  base: string;
  item: string;
  listParams: LP;
  itemParams: IP;
  view: V;
  createBody: CB;
  patchBody: PB;
  summaries: { list: string; get: string; post: string; patch: string; delete: string };
}

/**
 * The five routes of a configuration resource, declared alike: list (paged), get (with its ETag), create
 * (editor; 409 when it exists), patch and delete (editor; If-Match required).
 */
export function resourceRoutes<
  LP extends z.ZodObject,
  IP extends z.ZodObject,
  V extends z.ZodType,
  CB extends z.ZodType,
  PB extends z.ZodType,
>(r: ResourceShape<LP, IP, V, CB, PB>) {
  const common = { tags: [r.tag], security: ADMIN_SECURITY };
  const answer = { description: 'The resource', headers: ETAG_HEADER, content: json(r.view) };
  const body = <B extends z.ZodType>(schema: B) => ({ required: true, content: json(schema) });
  return {
    list: createRoute({
      ...common,
      method: 'get',
      path: r.base,
      summary: r.summaries.list,
      request: { params: r.listParams, query: listQuery },
      responses: {
        200: { description: 'One page', content: json(pageOf(r.view)) },
        ...errorResponses(400, 401, 404),
      },
    }),
    get: createRoute({
      ...common,
      method: 'get',
      path: r.item,
      summary: r.summaries.get,
      request: { params: r.itemParams },
      responses: { 200: answer, ...errorResponses(401, 404) },
    }),
    post: createRoute({
      ...common,
      method: 'post',
      path: r.base,
      summary: r.summaries.post,
      middleware: [editorOnly, jsonBody],
      request: { params: r.listParams, body: body(r.createBody) },
      responses: {
        201: { ...answer, description: 'Created' },
        ...errorResponses(400, 401, 403, 404, 409, 415),
      },
    }),
    patch: createRoute({
      ...common,
      method: 'patch',
      path: r.item,
      summary: r.summaries.patch,
      middleware: [editorOnly, jsonBody],
      request: { params: r.itemParams, headers: IF_MATCH, body: body(r.patchBody) },
      responses: { 200: answer, ...errorResponses(400, 401, 403, 404, 409, 412, 415, 428) },
    }),
    remove: createRoute({
      ...common,
      method: 'delete',
      path: r.item,
      summary: r.summaries.delete,
      middleware: [editorOnly],
      request: { params: r.itemParams, headers: IF_MATCH },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409, 412, 428) },
    }),
  };
}
