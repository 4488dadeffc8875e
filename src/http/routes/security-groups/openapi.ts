import { createRoute, z } from '@hono/zod-openapi';
import { producerErrors } from '../openapi-errors.js';
import { putMembersBody } from './schema.js';

const members = z.object({
  OrganizationId: z.string(),
  SecurityGroupId: z.string(),
  EntityIds: z.array(z.string()),
});

/** The group PUT as the document describes it; the route validates with the same zod schema itself. */
export const putSecurityGroupRoute = createRoute({
  method: 'put',
  path: '/v1/organizations/{OrganizationId}/security-groups/{SecurityGroupId}',
  tags: ['producer'],
  summary: "Replaces a security group's members (producers own the directory)",
  security: [{ ProducerToken: [] }],
  request: {
    params: z.object({ OrganizationId: z.string(), SecurityGroupId: z.string() }),
    body: { required: true, content: { 'application/json': { schema: putMembersBody } } },
  },
  responses: {
    200: { description: 'Replaced', content: { 'application/json': { schema: members } } },
    201: { description: 'The group is new', content: { 'application/json': { schema: members } } },
    ...producerErrors({
      400: 'Invalid request: every problem with its JSON path',
      401: 'Missing or invalid producer token',
      403: "The organization is outside the token's Organizations",
      409: "The configuration owns the group's members",
      413: 'Body over 8 MiB',
      415: 'Content-Type is not application/json',
    }),
  },
});
