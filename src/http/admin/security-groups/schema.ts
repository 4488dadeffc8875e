import { z } from '@hono/zod-openapi';
import { type OrganizationDocument, securityGroupSchema, securityGroupView } from '../../../config/index.js';
import { ApiError } from '../../errors.js';

export const securityGroupParams = z.object({
  OrganizationId: z.string().openapi({ param: { name: 'OrganizationId', in: 'path' } }),
  SecurityGroupId: z.string().openapi({ param: { name: 'SecurityGroupId', in: 'path' } }),
});

export const securityGroupViewSchema = z
  .object({
    SecurityGroupId: z.string(),
    EntityIds: z.array(z.string()).nullable().openapi({
      description:
        'The first page of the members (EntityId order), when the configuration owns them; null: producers maintain them',
    }),
    MemberCount: z.int().openapi({ description: 'How many members the group has (whoever maintains them)' }),
    NextCursor: z.string().nullable().openapi({
      description:
        'Cursor of .../members for the members after EntityIds; null: EntityIds holds them all (or is null)',
    }),
  })
  .openapi('SecurityGroup');

export const membersPageSchema = z
  .object({
    Items: z.array(z.string()),
    NextCursor: z.string().nullable(),
    MemberCount: z.int(),
  })
  .openapi('SecurityGroupMembers');

/** A new group, as in the document: with EntityIds the configuration owns its members. */
export const createSecurityGroupBody = securityGroupSchema;

export const patchSecurityGroupBody = z
  .strictObject({
    EntityIds: z.array(z.string()).nullable().openapi({
      description: 'The members (the configuration owns them), or null to let producers maintain them',
    }),
  })
  .openapi('SecurityGroupChange');

export const securityGroupNotFound = (id: string): ApiError =>
  new ApiError('NOT_FOUND', `Security group ${id} not found`);

export function securityGroupIndex(org: OrganizationDocument, id: string): number {
  const index = org.SecurityGroups.findIndex((g) => g.SecurityGroupId === id.toLowerCase());
  if (index < 0) throw securityGroupNotFound(id);
  return index;
}

export { securityGroupView };
