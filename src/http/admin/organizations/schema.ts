import { z } from '@hono/zod-openapi';
import type { OrganizationDocument } from '../../../config/index.js';
import { secretTag } from '../etag.js';

export const organizationParams = z.object({
  OrganizationId: z.string().openapi({
    param: { name: 'OrganizationId', in: 'path' },
    example: 'fd434d24-f685-431d-8df5-386b5d5ffa73',
  }),
});

export const organizationSchema = z
  .object({ OrganizationId: z.string(), WebhookCount: z.int(), SecurityGroupCount: z.int() })
  .openapi('Organization');

export const createOrganizationBody = z
  .strictObject({
    OrganizationId: z.guid({ error: 'must be a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)' }),
  })
  .openapi('NewOrganization');

export function organizationView(org: OrganizationDocument) {
  return {
    OrganizationId: org.OrganizationId,
    WebhookCount: org.Webhooks.length,
    SecurityGroupCount: org.SecurityGroups.length,
  };
}

/** An organization's version covers its whole configuration (secrets as keyed digests). */
export function organizationVersion(org: OrganizationDocument): unknown {
  return {
    ...org,
    Webhooks: org.Webhooks.map((e) => ({
      ...e,
      Webhook: { ...e.Webhook, Secret: secretTag(e.Webhook.Secret) },
    })),
  };
}
