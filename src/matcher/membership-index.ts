import type { GroupMembership } from './types.js';

const NONE: readonly string[] = [];

/**
 * Which security groups an entity belongs to, per organization. Producers replace a group's members
 * often (they own the directory), so this index is updated in place, group by group, instead of being
 * rebuilt with the subscription index.
 */
export class MembershipIndex {
  /** org|entity -> groups */
  private readonly groupsOfEntity = new Map<string, string[]>();
  /** org|group -> entities */
  private readonly entitiesOfGroup = new Map<string, string[]>();

  constructor(memberships: Iterable<GroupMembership> = []) {
    for (const m of memberships) this.add(m.organizationId, m.securityGroupId, m.entityId);
  }

  groupsOf(organizationId: string, entityId: string): readonly string[] {
    return this.groupsOfEntity.get(`${organizationId}|${entityId}`) ?? NONE;
  }

  replaceGroup(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    this.removeGroup(organizationId, securityGroupId);
    for (const entityId of new Set(entityIds)) this.add(organizationId, securityGroupId, entityId);
  }

  removeGroup(organizationId: string, securityGroupId: string): void {
    const groupKey = `${organizationId}|${securityGroupId}`;
    for (const entityId of this.entitiesOfGroup.get(groupKey) ?? NONE) {
      const entityKey = `${organizationId}|${entityId}`;
      const groups = this.groupsOfEntity.get(entityKey);
      if (groups === undefined) continue;
      const remaining = groups.filter((g) => g !== securityGroupId);
      if (remaining.length === 0) this.groupsOfEntity.delete(entityKey);
      else this.groupsOfEntity.set(entityKey, remaining);
    }
    this.entitiesOfGroup.delete(groupKey);
  }

  private add(organizationId: string, securityGroupId: string, entityId: string): void {
    const entityKey = `${organizationId}|${entityId}`;
    const groups = this.groupsOfEntity.get(entityKey);
    if (groups === undefined) this.groupsOfEntity.set(entityKey, [securityGroupId]);
    else if (!groups.includes(securityGroupId)) groups.push(securityGroupId);
    const groupKey = `${organizationId}|${securityGroupId}`;
    const entities = this.entitiesOfGroup.get(groupKey);
    if (entities === undefined) this.entitiesOfGroup.set(groupKey, [entityId]);
    else if (!entities.includes(entityId)) entities.push(entityId);
  }
}
