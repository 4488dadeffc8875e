import { z } from 'zod';

export const guid = z.guid('must be a Guid (8-4-4-4-12 hex digits)');

export const putMembersBody = z.strictObject({
  EntityIds: z.array(guid).max(100_000, 'at most 100,000 members'),
});
