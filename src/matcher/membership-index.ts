import type { GroupMembership } from './types.js';

const NO_GROUPS: readonly string[] = [];
const NO_MEMBERS: ReadonlySet<string> = new Set();

/** organization -> key -> value, without building a joined key per lookup. */
class PerOrganization<V> {
  private readonly byOrganization = new Map<string, Map<string, V>>();

  get(organizationId: string, key: string): V | undefined {
    return this.byOrganization.get(organizationId)?.get(key);
  }

  set(organizationId: string, key: string, value: V): void {
    let inner = this.byOrganization.get(organizationId);
    if (inner === undefined) {
      inner = new Map();
      this.byOrganization.set(organizationId, inner);
    }
    inner.set(key, value);
  }

  delete(organizationId: string, key: string): void {
    this.byOrganization.get(organizationId)?.delete(key);
  }
}

/**
 * Which security groups an entity belongs to, per organization, and the other way round. Producers
 * replace a group's members often (they own the directory), so this index is updated in place, group by
 * group, in time linear in the members: a group's members are a Set (groups reach 100,000 members), an
 * entity's groups a short list.
 */
export class MembershipIndex {
  private readonly groupsOfEntity = new PerOrganization<string[]>();
  private readonly entitiesOfGroup = new PerOrganization<Set<string>>();

  constructor(memberships: Iterable<GroupMembership> = []) {
    for (const m of memberships) this.add(m.organizationId, m.securityGroupId, m.entityId);
  }

  groupsOf(organizationId: string, entityId: string): readonly string[] {
    return this.groupsOfEntity.get(organizationId, entityId) ?? NO_GROUPS;
  }

  membersOf(organizationId: string, securityGroupId: string): ReadonlySet<string> {
    return this.entitiesOfGroup.get(organizationId, securityGroupId) ?? NO_MEMBERS;
  }

  /** Adds members; a large change is applied in parts (RoutingIndex.replaceGroupInSteps). */
  addMembers(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    for (const entityId of entityIds) this.add(organizationId, securityGroupId, entityId);
  }

  /** Removes members. */
  removeMembers(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    const members = this.entitiesOfGroup.get(organizationId, securityGroupId);
    if (members === undefined) return;
    for (const entityId of entityIds) {
      if (!members.delete(entityId)) continue;
      const remaining = this.groupsOf(organizationId, entityId).filter((g) => g !== securityGroupId);
      if (remaining.length > 0) this.groupsOfEntity.set(organizationId, entityId, remaining);
      else this.groupsOfEntity.delete(organizationId, entityId);
    }
    if (members.size === 0) this.entitiesOfGroup.delete(organizationId, securityGroupId);
  }

  private add(organizationId: string, securityGroupId: string, entityId: string): void {
    let members = this.entitiesOfGroup.get(organizationId, securityGroupId);
    if (members === undefined) {
      members = new Set();
      this.entitiesOfGroup.set(organizationId, securityGroupId, members);
    }
    if (members.has(entityId)) return;
    members.add(entityId);
    const groups = this.groupsOfEntity.get(organizationId, entityId);
    if (groups === undefined) this.groupsOfEntity.set(organizationId, entityId, [securityGroupId]);
    else groups.push(securityGroupId);
  }
}
