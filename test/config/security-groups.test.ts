import { describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/config/apply.js';
import { parseConfigDocument } from '../../src/config/parse.js';
import { formatChange } from '../../src/config/plan.js';
import { readState } from '../../src/store/config/read-state.js';
import {
  DocumentOwnsMembersError,
  replaceSecurityGroupMembers,
} from '../../src/store/config/security-groups.js';
import { ENTITY, ENTITY_2, GROUP, ORG, useTempDatabases } from './helpers.js';

const open = useTempDatabases();

const declaring = (group: Record<string, unknown>) =>
  parseConfigDocument({ Organizations: [{ OrganizationId: ORG, SecurityGroups: [group] }] });

describe('replaceSecurityGroupMembers', () => {
  it('creates the organization and a producer group, then replaces its members', () => {
    const g = open();
    expect(
      replaceSecurityGroupMembers(g, ORG.toUpperCase(), GROUP.toUpperCase(), [ENTITY, ENTITY.toUpperCase()]),
    ).toEqual({
      created: true,
      organizationId: ORG,
      securityGroupId: GROUP,
      entityIds: [ENTITY],
      revision: expect.any(Number),
    });
    const producerGroup = (members: string[]) => ({
      id: GROUP,
      source: 'producer',
      membersFromDocument: false,
      members,
    });
    expect(readState(g)).toEqual([
      { organizationId: ORG, securityGroups: [producerGroup([ENTITY])], webhooks: [] },
    ]);
    expect(replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY_2])).toMatchObject({ created: false });
    expect(readState(g)[0]?.securityGroups).toEqual([producerGroup([ENTITY_2])]);
    replaceSecurityGroupMembers(g, ORG, GROUP, []);
    expect(readState(g)[0]?.securityGroups).toEqual([producerGroup([])]);
  });

  it('stores a group of 100,000 members, the most the API accepts', () => {
    const g = open();
    const many = Array.from(
      { length: 100_000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect(replaceSecurityGroupMembers(g, ORG, GROUP, many).entityIds).toHaveLength(100_000);
    const stored = g.sqlite.prepare('SELECT count(*) FROM security_group_members').pluck().get();
    expect(stored).toBe(100_000);
  });
});

describe('security groups and the configuration document', () => {
  it('keeps producer-maintained members of a declared group across re-imports', () => {
    const g = open();
    const doc = declaring({ SecurityGroupId: GROUP });
    expect(applyConfig(g, doc).map(formatChange)).toEqual([
      `create organization ${ORG}`,
      `create security-group ${GROUP} (members from producers)`,
    ]);
    replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY, ENTITY_2]);
    expect(applyConfig(g, doc)).toEqual([]);
    expect(readState(g)[0]?.securityGroups).toEqual([
      { id: GROUP, source: 'config', membersFromDocument: false, members: [ENTITY_2, ENTITY].sort() },
    ]);
  });

  it('never deletes a producer group; adopting it as config keeps its members', () => {
    const g = open();
    replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY]);
    expect(applyConfig(g, parseConfigDocument({ Organizations: [{ OrganizationId: ORG }] }))).toEqual([]);
    expect(applyConfig(g, declaring({ SecurityGroupId: GROUP })).map(formatChange)).toEqual([
      `update security-group ${GROUP} (source producer -> config)`,
    ]);
    expect(readState(g)[0]?.securityGroups).toEqual([
      { id: GROUP, source: 'config', membersFromDocument: false, members: [ENTITY] },
    ]);
  });

  it('lets a document that lists EntityIds own the membership, and delete the group it stops declaring', () => {
    const g = open();
    applyConfig(g, declaring({ SecurityGroupId: GROUP, EntityIds: [ENTITY] }));
    // A producer's PUT would be undone by the next apply of the document: it is refused, naming the owner.
    expect(() => replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY_2])).toThrow(DocumentOwnsMembersError);
    expect(() => replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY_2])).toThrow(/configuration document/);
    expect(readState(g)[0]?.securityGroups).toEqual([
      { id: GROUP, source: 'config', membersFromDocument: true, members: [ENTITY] },
    ]);
    expect(
      applyConfig(g, declaring({ SecurityGroupId: GROUP, EntityIds: [ENTITY, ENTITY_2] })).map(formatChange),
    ).toEqual([`update security-group-members ${GROUP} (1 added, 0 removed)`]);
    // Leaving EntityIds out hands the members to producers, who may then replace them.
    expect(applyConfig(g, declaring({ SecurityGroupId: GROUP })).map(formatChange)).toEqual([
      `update security-group ${GROUP} (members from producers)`,
    ]);
    replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY]);
    expect(readState(g)[0]?.securityGroups).toEqual([
      { id: GROUP, source: 'config', membersFromDocument: false, members: [ENTITY] },
    ]);
    const none = parseConfigDocument({ Organizations: [{ OrganizationId: ORG }] });
    expect(applyConfig(g, none).map(formatChange)).toEqual([
      `delete security-group ${GROUP} (members from producers)`,
    ]);
    expect(g.sqlite.prepare('SELECT COUNT(*) AS n FROM security_group_members').get()).toEqual({ n: 0 });
  });
});
