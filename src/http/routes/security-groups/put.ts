import { Hono } from 'hono';
import { isOwnedByDocument, type MembershipDirectory } from '../../../bus/ports.js';
import { problemsFromIssues } from '../../../problems.js';
import { inScope, type ProducerEnv } from '../../auth.js';
import { limitBody } from '../../body-limit.js';
import { ApiError } from '../../errors.js';
import { readJsonBody } from '../../json-body.js';
import { guid, putMembersBody } from './schema.js';

/** Room for 100,000 members (a Guid in quotes and a comma each, about 3.9 MB) with whitespace around them. */
export const MAX_MEMBERS_BODY_BYTES = 8 * 1024 * 1024;

/**
 * PUT /v1/organizations/{OrganizationId}/security-groups/{SecurityGroupId} with {"EntityIds": [...]}:
 * producers own the directory and replace a group's members whole. 201 when the group is new, else 200.
 */
export function putSecurityGroup(directory: MembershipDirectory): Hono<ProducerEnv> {
  const app = new Hono<ProducerEnv>();
  app.put(
    '/:organizationId/security-groups/:securityGroupId',
    limitBody(MAX_MEMBERS_BODY_BYTES, 'Body'),
    async (c) => {
      const { organizationId, securityGroupId } = c.req.param();
      if (!inScope(c.get('producer'), organizationId)) {
        throw new ApiError('FORBIDDEN', "The organization is outside this token's scope", [
          {
            path: '$.OrganizationId',
            message: `organization "${organizationId}" is outside this token's Organizations`,
          },
        ]);
      }
      const problems = [
        ...(guid.safeParse(organizationId).success
          ? []
          : [{ path: '$.OrganizationId', message: 'must be a Guid' }]),
        ...(guid.safeParse(securityGroupId).success
          ? []
          : [{ path: '$.SecurityGroupId', message: 'must be a Guid' }]),
      ];
      const parsed = putMembersBody.safeParse(await readJsonBody(c));
      if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues));
      if (problems.length > 0 || !parsed.success)
        throw new ApiError('BAD_REQUEST', 'Invalid security group request', problems);
      const stored = await replaceOrConflict(
        directory,
        organizationId,
        securityGroupId,
        parsed.data.EntityIds,
      );
      return c.json(
        {
          OrganizationId: stored.organizationId,
          SecurityGroupId: stored.securityGroupId,
          EntityIds: stored.entityIds,
        },
        stored.created ? 201 : 200,
      );
    },
  );
  return app;
}

async function replaceOrConflict(
  directory: MembershipDirectory,
  organizationId: string,
  securityGroupId: string,
  entityIds: readonly string[],
) {
  try {
    return await directory.replaceMembers(organizationId, securityGroupId, entityIds);
  } catch (error) {
    if (isOwnedByDocument(error)) throw new ApiError('CONFLICT', error.message);
    throw error;
  }
}
