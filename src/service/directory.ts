import { type ReplacedMembers, replaceSecurityGroupMembers } from '../config/security-groups.js';
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
  ): ReplacedMembers {
    const stored = replaceSecurityGroupMembers(this.store, organizationId, securityGroupId, entityIds);
    this.router.replaceGroupMembers(stored.organizationId, stored.securityGroupId, stored.entityIds);
    return stored;
  }
}
