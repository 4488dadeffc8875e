import { z } from '@hono/zod-openapi';
import {
  type SubscriptionDocument,
  subscriptionId,
  subscriptionSchema,
  subscriptionView,
} from '../../../config/index.js';
import { ApiError } from '../../errors.js';

export const subscriptionParams = z.object({
  OrganizationId: z.string().openapi({ param: { name: 'OrganizationId', in: 'path' } }),
  WebhookId: z.string().openapi({ param: { name: 'WebhookId', in: 'path' } }),
  SubscriptionId: z.string().openapi({ param: { name: 'SubscriptionId', in: 'path' } }),
});

export const subscriptionViewSchema = z
  .object({
    SubscriptionId: z.string().openapi({ description: 'Derived from the webhook, EventType and target' }),
    EventType: z.string(),
    EntityId: z.string().optional(),
    SecurityGroupId: z.string().optional(),
    AllEntities: z.literal(true).optional(),
    Enabled: z.boolean(),
  })
  .openapi('Subscription');

/** A new subscription: the document's object (exactly one of EntityId, SecurityGroupId, AllEntities: true). */
export const createSubscriptionBody = subscriptionSchema;

/** Fields to change; a target key given replaces the target (and so the SubscriptionId). */
export const patchSubscriptionBody = z
  .strictObject({
    EventType: z.string().optional(),
    EntityId: z.string().optional(),
    SecurityGroupId: z.string().optional(),
    AllEntities: z.boolean().optional(),
    Enabled: z.boolean().optional(),
  })
  .openapi('SubscriptionChange');

export const subscriptionNotFound = (id: string): ApiError =>
  new ApiError('NOT_FOUND', `Subscription ${id} not found`);

export function subscriptionIndex(
  webhookId: string,
  subscriptions: readonly SubscriptionDocument[],
  id: string,
): number {
  const index = subscriptions.findIndex((s) => subscriptionId(webhookId, s) === id.toLowerCase());
  if (index < 0) throw subscriptionNotFound(id);
  return index;
}

export { subscriptionView };
