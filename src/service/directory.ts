import { replaceSecurityGroupMembers } from '../config/security-groups.js';
import type { Router } from '../routing/router.js';
import type { GatewayDatabase } from '../store/database.js';

/** Security group membership, which producers own: recorded in the store, then applied to the matcher. */
export class Directory {
  constructor(
    private readonly store: GatewayDatabase,
    private readonly router: Router,
  ) {}

  replaceMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): { created: boolean } {
    const org = organizationId.toLowerCase();
    const group = securityGroupId.toLowerCase();
    const members = [...new Set(entityIds.map((id) => id.toLowerCase()))];
    const result = replaceSecurityGroupMembers(this.store, org, group, members);
    this.router.replaceGroupMembers(org, group, members);
    return result;
  }
}
