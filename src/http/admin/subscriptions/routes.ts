import {
  type OrganizationDocument,
  type SubscriptionDocument,
  subscriptionId,
} from '../../../config/index.js';
import { ApiError } from '../../errors.js';
import type { ConfigurationAdmin } from '../config-port.js';
import { resourceRoutes } from '../crud.js';
import { etagOf, requireIfMatch } from '../etag.js';
import { adminRouter } from '../openapi.js';
import type { AdminPrincipal } from '../principal.js';
import { editOrganization, page, readOrganizationWebhook, withEtag } from '../resource.js';
import { webhookIndex, webhookParams, withWebhook } from '../webhooks/schema.js';
import {
  createSubscriptionBody,
  patchSubscriptionBody,
  subscriptionIndex,
  subscriptionParams,
  subscriptionView,
  subscriptionViewSchema,
} from './schema.js';

const { list, get, post, patch, remove } = resourceRoutes({
  tag: 'subscriptions',
  base: '/organizations/{OrganizationId}/webhooks/{WebhookId}/subscriptions',
  item: '/organizations/{OrganizationId}/webhooks/{WebhookId}/subscriptions/{SubscriptionId}',
  listParams: webhookParams,
  itemParams: subscriptionParams,
  view: subscriptionViewSchema,
  createBody: createSubscriptionBody,
  patchBody: patchSubscriptionBody,
  summaries: {
    list: "A webhook's subscriptions",
    get: 'One subscription',
    post: 'Subscribes the webhook to an event type (editor)',
    patch: 'Changes a subscription (editor); Enabled: false stops matching it',
    delete: 'Deletes a subscription (editor)',
  },
});

type Entry = OrganizationDocument['Webhooks'][number];

function entryOf(org: OrganizationDocument, webhookId: string): { index: number; entry: Entry } {
  const index = webhookIndex(org, webhookId);
  return { index, entry: org.Webhooks[index] as Entry };
}

async function read(
  port: ConfigurationAdmin,
  admin: AdminPrincipal,
  organizationId: string,
  webhookId: string,
  id: string,
) {
  const { entry } = entryOf(await readOrganizationWebhook(port, admin, organizationId, webhookId), webhookId);
  const subscription = entry.Subscriptions[
    subscriptionIndex(webhookId, entry.Subscriptions, id)
  ] as SubscriptionDocument;
  return subscriptionView(webhookId.toLowerCase(), subscription);
}

const TARGETS = ['EntityId', 'SecurityGroupId', 'AllEntities'] as const;

/** /v1/admin/organizations/{OrganizationId}/webhooks/{WebhookId}/subscriptions: list, get, create, patch, delete. */
export function subscriptionRoutes(port: ConfigurationAdmin) {
  return adminRouter()
    .openapi(list, async (c) => {
      const { OrganizationId, WebhookId } = c.req.valid('param');
      const { entry } = entryOf(
        await readOrganizationWebhook(port, c.get('admin'), OrganizationId, WebhookId),
        WebhookId,
      );
      const views = entry.Subscriptions.map((s) => subscriptionView(WebhookId.toLowerCase(), s));
      return c.json(
        page(views, (s) => s.SubscriptionId, c.req.valid('query')),
        200,
      );
    })
    .openapi(get, async (c) => {
      const { OrganizationId, WebhookId, SubscriptionId } = c.req.valid('param');
      return c.json(
        withEtag(c, await read(port, c.get('admin'), OrganizationId, WebhookId, SubscriptionId)),
        200,
      );
    })
    .openapi(post, async (c) => {
      const { OrganizationId, WebhookId } = c.req.valid('param');
      const body = c.req.valid('json');
      const webhookId = WebhookId.toLowerCase();
      const id = subscriptionId(webhookId, body);
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        const { index, entry } = entryOf(current, WebhookId);
        if (entry.Subscriptions.some((s) => subscriptionId(webhookId, s) === id))
          throw new ApiError('CONFLICT', `The webhook has this subscription already: ${id}`);
        const Subscriptions = [...entry.Subscriptions, body];
        return {
          document: withWebhook(current, index, { ...entry, Subscriptions }),
          focus: ['Webhooks', index, 'Subscriptions', Subscriptions.length - 1],
        };
      });
      c.header(
        'Location',
        `/v1/admin/organizations/${OrganizationId}/webhooks/${webhookId}/subscriptions/${id}`,
      );
      return c.json(withEtag(c, await read(port, c.get('admin'), OrganizationId, WebhookId, id)), 201);
    })
    .openapi(patch, async (c) => {
      const { OrganizationId, WebhookId, SubscriptionId } = c.req.valid('param');
      const changes = c.req.valid('json');
      const webhookId = WebhookId.toLowerCase();
      let id = SubscriptionId;
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        const { index, entry } = entryOf(current, WebhookId);
        const at = subscriptionIndex(webhookId, entry.Subscriptions, SubscriptionId);
        const old = entry.Subscriptions[at] as SubscriptionDocument;
        requireIfMatch(c, etagOf(subscriptionView(webhookId, old)));
        const retarget = TARGETS.some((key) => changes[key] !== undefined);
        const kept: SubscriptionDocument = { EventType: old.EventType, Enabled: old.Enabled };
        const next = { ...(retarget ? kept : old), ...changes } as SubscriptionDocument;
        id = subscriptionId(webhookId, next);
        if (
          id !== SubscriptionId.toLowerCase() &&
          entry.Subscriptions.some((s) => subscriptionId(webhookId, s) === id)
        )
          throw new ApiError('CONFLICT', `The webhook has this subscription already: ${id}`);
        const Subscriptions = entry.Subscriptions.map((s, i) => (i === at ? next : s));
        return {
          document: withWebhook(current, index, { ...entry, Subscriptions }),
          focus: ['Webhooks', index, 'Subscriptions', at],
        };
      });
      return c.json(withEtag(c, await read(port, c.get('admin'), OrganizationId, WebhookId, id)), 200);
    })
    .openapi(remove, async (c) => {
      const { OrganizationId, WebhookId, SubscriptionId } = c.req.valid('param');
      const webhookId = WebhookId.toLowerCase();
      await editOrganization(port, c.get('admin'), OrganizationId, (current) => {
        const { index, entry } = entryOf(current, WebhookId);
        const at = subscriptionIndex(webhookId, entry.Subscriptions, SubscriptionId);
        requireIfMatch(
          c,
          etagOf(subscriptionView(webhookId, entry.Subscriptions[at] as SubscriptionDocument)),
        );
        const Subscriptions = entry.Subscriptions.filter((_, i) => i !== at);
        return { document: withWebhook(current, index, { ...entry, Subscriptions }) };
      });
      return c.body(null, 204);
    });
}
