import { z } from '@hono/zod-openapi';
import {
  type OrganizationDocument,
  type WebhookDocument,
  type WebhookEntryDocument,
  webhookSchema,
  webhookView,
} from '../../../config/index.js';
import { ApiError } from '../../errors.js';
import { secretTag } from '../etag.js';

export const webhookParams = z.object({
  OrganizationId: z.string().openapi({ param: { name: 'OrganizationId', in: 'path' } }),
  WebhookId: z.string().openapi({ param: { name: 'WebhookId', in: 'path' } }),
});

export const webhookViewSchema = z
  .object({
    WebhookId: z.string(),
    Endpoint: z.string(),
    InsecureSSL: z.boolean(),
    HasSecret: z.boolean().openapi({ description: 'The Secret is write-only: POST .../secret sets it' }),
    Description: z.string().nullable(),
    TimeoutSeconds: z.number(),
    Enabled: z.boolean(),
    RetryScheduleSeconds: z.array(z.number()).nullable().openapi({ description: "null: the gateway's" }),
  })
  .openapi('Webhook');

/** A new webhook: the document's Webhook object (WebhookId assigned when left out). */
export const createWebhookBody = webhookSchema;

/** A change of some of a webhook's fields; null clears Description or RetryScheduleSeconds. Secret: POST .../secret. */
export const patchWebhookBody = z
  .strictObject({
    Endpoint: z.string().optional(),
    InsecureSSL: z.boolean().optional(),
    Description: z.string().nullable().optional(),
    TimeoutSeconds: z.number().optional(),
    Enabled: z.boolean().optional(),
    RetryScheduleSeconds: z.array(z.number()).nullable().optional(),
  })
  .openapi('WebhookChange');

export const secretBody = z
  .strictObject({
    Secret: z
      .string()
      .min(1)
      .nullable()
      .openapi({ description: 'Sent as X-Benemen-Token from the next attempt on; null removes it' }),
  })
  .openapi('WebhookSecret');

/** A webhook's version: all of it, the secret as a keyed digest. */
export const webhookVersion = (w: WebhookDocument): unknown => ({ ...w, Secret: secretTag(w.Secret) });

export const webhookNotFound = (webhookId: string): ApiError =>
  new ApiError('NOT_FOUND', `Webhook ${webhookId} not found`);

/** The index of a webhook in its organization's document, or 404. */
export function webhookIndex(org: OrganizationDocument, webhookId: string): number {
  const index = org.Webhooks.findIndex((e) => e.Webhook.WebhookId === webhookId.toLowerCase());
  if (index < 0) throw webhookNotFound(webhookId);
  return index;
}

export function withWebhook(
  org: OrganizationDocument,
  index: number,
  entry: WebhookEntryDocument | null,
): OrganizationDocument {
  const Webhooks = [...org.Webhooks];
  if (entry === null) Webhooks.splice(index, 1);
  else Webhooks[index] = entry;
  return { ...org, Webhooks };
}

export { webhookView };
