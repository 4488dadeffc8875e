import { describe, expect, it } from 'vitest';
import type { StoredOrgState, WebhookState } from '../store/config/state.js';
import { auditEntries } from './audit.js';
import { subscriptionId } from './resources.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';
const webhook = (id: string, overrides: Partial<WebhookState> = {}): WebhookState => ({
  webhookId: id,
  endpoint: `https://example.com/${id}`,
  description: null,
  secret: 'hunter2',
  insecureSsl: false,
  timeoutSeconds: 5,
  enabled: true,
  retryScheduleSeconds: null,
  subscriptions: [
    { eventType: 'UserStatus', entityId: null, securityGroupId: null, allEntities: true, enabled: true },
  ],
  ...overrides,
});
const stored = (webhooks: WebhookState[]): StoredOrgState => ({
  organizationId: ORG,
  securityGroups: [],
  webhooks,
});

describe('auditEntries', () => {
  it('names each resource changed, with its views before and after, and nothing unchanged', () => {
    const a = webhook('a');
    const b = webhook('b');
    const entries = auditEntries(
      'eddie',
      [stored([a, b])],
      [{ ...stored([a, { ...b, enabled: false, subscriptions: [] }]), securityGroups: [] }],
    );
    expect(entries.map((e) => `${e.action} ${e.resource} ${e.resourceId}`)).toEqual([
      'update webhook b',
      `delete subscription ${subscriptionId('b', { EventType: 'UserStatus', AllEntities: true, Enabled: true })}`,
    ]);
    expect(entries[0]).toMatchObject({
      actor: 'eddie',
      organizationId: ORG,
      before: { Enabled: true, HasSecret: true },
      after: { Enabled: false, HasSecret: true },
    });
  });

  it('marks a rotated secret without showing it, and never shows one', () => {
    const entries = auditEntries(
      'eddie',
      [stored([webhook('a')])],
      [stored([webhook('a', { secret: 'next' })])],
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.after).toMatchObject({ SecretChanged: true });
    expect(JSON.stringify(entries)).not.toMatch(/hunter2|next"/);
  });

  it('reports a new organization whole and a deleted one', () => {
    const created = auditEntries('document', [], [stored([webhook('a')])]);
    expect(created.map((e) => `${e.action} ${e.resource}`)).toEqual([
      'create organization',
      'create webhook',
      'create subscription',
    ]);
    const deleted = auditEntries('eddie', [stored([])], [], [ORG]);
    expect(deleted.map((e) => `${e.action} ${e.resource}`)).toEqual(['delete organization']);
  });

  it('audits a document-owned group whose members were swapped, same count, by how many came and went', () => {
    const group = (members: string[]) => ({ id: 'g1', source: 'config' as const, members });
    const before: StoredOrgState = {
      ...stored([]),
      securityGroups: [{ ...group(['e1', 'e2', 'e3']), membersFromDocument: true }],
    };
    const swapped = auditEntries(
      'eddie',
      [before],
      [{ ...stored([]), securityGroups: [group(['e1', 'e2', 'e4'])] }],
    );
    expect(swapped).toEqual([
      expect.objectContaining({
        action: 'update',
        resource: 'security-group',
        resourceId: 'g1',
        before: { SecurityGroupId: 'g1', MembersFrom: 'configuration', MemberCount: 3 },
        after: { SecurityGroupId: 'g1', MembersFrom: 'configuration', MemberCount: 3, Added: 1, Removed: 1 },
      }),
    ]);
    // The same members again change nothing.
    expect(
      auditEntries('eddie', [before], [{ ...stored([]), securityGroups: [group(['e3', 'e2', 'e1'])] }]),
    ).toEqual([]);
  });
});
