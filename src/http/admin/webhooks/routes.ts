import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { json, resourceRoutes } from '../crud.js';
import { etagOf, requireIfMatch } from '../etag.js';
import { ADMIN_SECURITY, adminRouter, errorResponses, jsonBody } from '../openapi.js';
import { organizationParams } from '../organizations/schema.js';
import { editorOnly } from '../principal.js';
import {
  ETAG_HEADER,
  editOrganization,
  IF_MATCH,
  page,
  readOrganization,
  readOrganizationWebhook,
  withEtag,
} from '../resource.js';
import {
  createWebhookBody,
  patchWebhookBody,
  secretBody,
  webhookIndex,
  webhookParams,
  webhookVersion,
  webhookView,
  webhookViewSchema,
  withWebhook,
} from './schema.js';

const { list, get, post, patch, remove } = resourceRoutes({
  tag: 'webhooks',
  base: '/organizations/{OrganizationId}/webhooks',
  item: '/organizations/{OrganizationId}/webhooks/{WebhookId}',
  listParams: organizationParams,
  itemParams: webhookParams,
  view: webhookViewSchema,
  createBody: createWebhookBody,
  patchBody: patchWebhookBody,
  summaries: {
    list: "An organization's webhooks",
    get: 'One webhook (the Secret is never shown: HasSecret)',
    post: 'Creates a webhook (editor); validated as in the configuration document',
    patch: "Changes some of a webhook's fields (editor); Enabled: false pauses it",
    delete: 'Deletes a webhook (editor): its unfinished deliveries end as cancelled, its history stays',
  },
});
const secret = createRoute({
  method: 'post',
  path: '/organizations/{OrganizationId}/webhooks/{WebhookId}/secret',
  tags: ['webhooks'],
  summary: 'Sets, rotates or removes the Secret (editor); If-Match is checked when given',
  security: ADMIN_SECURITY,
  middleware: [editorOnly, jsonBody],
  request: { params: webhookParams, headers: IF_MATCH, body: { required: true, content: json(secretBody) } },
  responses: {
    200: { description: 'The webhook', headers: ETAG_HEADER, content: json(webhookViewSchema) },
    ...errorResponses(400, 401, 403, 404, 412, 415),
  },
});

/** The webhook as stored after a change, with its new ETag. */
async function reread(
  port: ConfigurationAdmin,
  admin: Parameters<typeof readOrganization>[1],
  organizationId: string,
  webhookId: string,
) {
  const org = await readOrganizationWebhook(port, admin, organizationId, webhookId);
  const entry = org.Webhooks[webhookIndex(org, webhookId)];
  if (entry === undefined) throw new ApiError('INTERNAL', 'webhook vanished');
  return entry.Webhook;
}

/** /v1/admin/organizations/{OrganizationId}/webhooks: list, get, create, patch, delete, set the secret. */
export function webhookRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(list, async (c) => {
      const org = await readOrganization(port, c.get('admin'), c.req.valid('param').OrganizationId);
      const views = org.Webhooks.map((e) => webhookView(e.Webhook));
      return c.json(
        page(views, (w) => w.WebhookId, c.req.valid('query')),
        200,
      );
    })
    .openapi(get, async (c) => {
      const { OrganizationId, WebhookId } = c.req.valid('param');
      const webhook = await reread(port, c.get('admin'), OrganizationId, WebhookId);
      return c.json(withEtag(c, webhookView(webhook), webhookVersion(webhook)), 200);
    })
    .openapi(post, async (c) => {
      const admin = c.get('admin');
      const { OrganizationId } = c.req.valid('param');
      const body = c.req.valid('json');
      const webhookId = (body.WebhookId ?? crypto.randomUUID()).toLowerCase();
      await editOrganization(port, admin, OrganizationId, (current) => {
        if (current.Webhooks.some((e) => e.Webhook.WebhookId === webhookId))
          throw new ApiError('CONFLICT', `Webhook ${webhookId} exists`);
        const entry = { Webhook: { ...body, WebhookId: webhookId }, Subscriptions: [] };
        return {
          document: { ...current, Webhooks: [...current.Webhooks, entry] },
          focus: ['Webhooks', current.Webhooks.length, 'Webhook'],
        };
      });
      const webhook = await reread(port, admin, OrganizationId, webhookId);
      c.header('Location', `/v1/admin/organizations/${OrganizationId}/webhooks/${webhookId}`);
      return c.json(withEtag(c, webhookView(webhook), webhookVersion(webhook)), 201);
    })
    .openapi(patch, async (c) => {
      const admin = c.get('admin');
      const { OrganizationId, WebhookId } = c.req.valid('param');
      const changes = c.req.valid('json');
      await editOrganization(port, admin, OrganizationId, (current) => {
        const index = webhookIndex(current, WebhookId);
        const entry = current.Webhooks[index] as (typeof current.Webhooks)[number];
        requireIfMatch(c, etagOf(webhookVersion(entry.Webhook)));
        const { Description, RetryScheduleSeconds, ...rest } = changes;
        const next = { ...entry.Webhook, ...rest };
        if (Description === null) delete next.Description;
        else if (Description !== undefined) next.Description = Description;
        if (RetryScheduleSeconds === null) delete next.RetryScheduleSeconds;
        else if (RetryScheduleSeconds !== undefined) next.RetryScheduleSeconds = RetryScheduleSeconds;
        return {
          document: withWebhook(current, index, { ...entry, Webhook: next }),
          focus: ['Webhooks', index, 'Webhook'],
        };
      });
      const webhook = await reread(port, admin, OrganizationId, WebhookId);
      return c.json(withEtag(c, webhookView(webhook), webhookVersion(webhook)), 200);
    })
    .openapi(remove, async (c) => {
      const { OrganizationId, WebhookId } = c.req.valid('param');
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        const index = webhookIndex(current, WebhookId);
        requireIfMatch(
          c,
          etagOf(webhookVersion((current.Webhooks[index] as (typeof current.Webhooks)[number]).Webhook)),
        );
        return { document: withWebhook(current, index, null) };
      });
      return c.body(null, 204);
    })
    .openapi(secret, async (c) => {
      const admin = c.get('admin');
      const { OrganizationId, WebhookId } = c.req.valid('param');
      const { Secret } = c.req.valid('json');
      await editOrganization(port, admin, OrganizationId, (current) => {
        const index = webhookIndex(current, WebhookId);
        const entry = current.Webhooks[index] as (typeof current.Webhooks)[number];
        if (c.req.header('if-match') !== undefined) requireIfMatch(c, etagOf(webhookVersion(entry.Webhook)));
        const next = { ...entry.Webhook };
        if (Secret === null) delete next.Secret;
        else next.Secret = Secret;
        return {
          document: withWebhook(current, index, { ...entry, Webhook: next }),
          focus: ['Webhooks', index, 'Webhook'],
        };
      });
      const webhook = await reread(port, admin, OrganizationId, WebhookId);
      return c.json(withEtag(c, webhookView(webhook), webhookVersion(webhook)), 200);
    });
}
