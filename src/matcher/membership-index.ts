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
    this.of(organizationId).set(key, value);
  }

  delete(organizationId: string, key: string): void {
    this.byOrganization.get(organizationId)?.delete(key);
  }

  /** The organization's own map, created when missing: for a caller with many keys of one organization. */
  of(organizationId: string): Map<string, V> {
    let inner = this.byOrganization.get(organizationId);
    if (inner === undefined) {
      inner = new Map();
      this.byOrganization.set(organizationId, inner);
    }
    return inner;
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
    // The store gives a group's members one after the other: they are added a run at a time.
    let run: GroupMembership | undefined;
    let entityIds: string[] = [];
    for (const m of memberships) {
      if (
        run !== undefined &&
        (m.organizationId !== run.organizationId || m.securityGroupId !== run.securityGroupId)
      ) {
        this.addMembers(run.organizationId, run.securityGroupId, entityIds);
        entityIds = [];
      }
      run = m;
      entityIds.push(m.entityId);
    }
    if (run !== undefined) this.addMembers(run.organizationId, run.securityGroupId, entityIds);
  }

  groupsOf(organizationId: string, entityId: string): readonly string[] {
    return this.groupsOfEntity.get(organizationId, entityId) ?? NO_GROUPS;
  }

  membersOf(organizationId: string, securityGroupId: string): ReadonlySet<string> {
    return this.entitiesOfGroup.get(organizationId, securityGroupId) ?? NO_MEMBERS;
  }

  /** Adds members; a large change is applied in parts (RoutingIndex.replaceGroupInSteps). */
  addMembers(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    if (entityIds.length === 0) return;
    const groupsOfEntity = this.groupsOfEntity.of(organizationId);
    const entitiesOfGroup = this.entitiesOfGroup.of(organizationId);
    let members = entitiesOfGroup.get(securityGroupId);
    if (members === undefined) {
      members = new Set();
      entitiesOfGroup.set(securityGroupId, members);
    }
    for (const entityId of entityIds) {
      if (members.has(entityId)) continue;
      members.add(entityId);
      const groups = groupsOfEntity.get(entityId);
      if (groups === undefined) groupsOfEntity.set(entityId, [securityGroupId]);
      else groups.push(securityGroupId);
    }
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
}
