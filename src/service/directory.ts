import type { ReplacedMembers } from '../store/config/security-groups.js';
import type { Configuration } from './configuration.js';

/** Security group membership, which producers own: one of the configuration's changes (see Configuration). */
export class Directory {
  constructor(private readonly configuration: Configuration) {}

  replaceMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<ReplacedMembers> {
    return this.configuration.replaceGroupMembers(organizationId, securityGroupId, entityIds);
  }
}
