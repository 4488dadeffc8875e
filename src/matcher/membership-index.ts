import type { GroupMembership } from './types.js';

const NONE: readonly string[] = [];

/** organization -> key -> values. */
class NestedLists {
  private readonly byOrganization = new Map<string, Map<string, string[]>>();

  get(organizationId: string, key: string): readonly string[] {
    return this.byOrganization.get(organizationId)?.get(key) ?? NONE;
  }

  add(organizationId: string, key: string, value: string): void {
    let inner = this.byOrganization.get(organizationId);
    if (inner === undefined) {
      inner = new Map();
      this.byOrganization.set(organizationId, inner);
    }
    const list = inner.get(key);
    if (list === undefined) inner.set(key, [value]);
    else if (!list.includes(value)) list.push(value);
  }

  remove(organizationId: string, key: string, value: string): void {
    const inner = this.byOrganization.get(organizationId);
    const list = inner?.get(key);
    if (inner === undefined || list === undefined) return;
    const remaining = list.filter((v) => v !== value);
    if (remaining.length > 0) inner.set(key, remaining);
    else inner.delete(key);
  }

  delete(organizationId: string, key: string): void {
    this.byOrganization.get(organizationId)?.delete(key);
  }
}

/**
 * Which security groups an entity belongs to, per organization. Producers replace a group's members
 * often (they own the directory), so this index is updated in place, group by group, instead of being
 * rebuilt with the subscription index.
 */
export class MembershipIndex {
  private readonly groupsOfEntity = new NestedLists();
  private readonly entitiesOfGroup = new NestedLists();

  constructor(memberships: Iterable<GroupMembership> = []) {
    for (const m of memberships) this.add(m.organizationId, m.securityGroupId, m.entityId);
  }

  groupsOf(organizationId: string, entityId: string): readonly string[] {
    return this.groupsOfEntity.get(organizationId, entityId);
  }

  membersOf(organizationId: string, securityGroupId: string): readonly string[] {
    return this.entitiesOfGroup.get(organizationId, securityGroupId);
  }

  replaceGroup(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    this.removeGroup(organizationId, securityGroupId);
    for (const entityId of new Set(entityIds)) this.add(organizationId, securityGroupId, entityId);
  }

  removeGroup(organizationId: string, securityGroupId: string): void {
    for (const entityId of this.entitiesOfGroup.get(organizationId, securityGroupId)) {
      this.groupsOfEntity.remove(organizationId, entityId, securityGroupId);
    }
    this.entitiesOfGroup.delete(organizationId, securityGroupId);
  }

  private add(organizationId: string, securityGroupId: string, entityId: string): void {
    this.groupsOfEntity.add(organizationId, entityId, securityGroupId);
    this.entitiesOfGroup.add(organizationId, securityGroupId, entityId);
  }
}
