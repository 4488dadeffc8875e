import { describe, expect, it } from 'vitest';
import type { OrgState, StoredOrgState, SubscriptionState, WebhookState } from '../store/config/state.js';
import { formatChange, planChanges } from './plan.js';
import { resolveWebhookIds } from './webhook-identity.js';

const ORG = 'org-1';

const subscription = (eventType: string, extra: Partial<SubscriptionState> = {}): SubscriptionState => ({
  eventType,
  entityId: null,
  securityGroupId: null,
  allEntities: true,
  enabled: true,
  ...extra,
});

const webhook = (endpoint: string, extra: Partial<WebhookState> = {}): WebhookState => ({
  webhookId: `id-${endpoint}`,
  endpoint,
  description: null,
  secret: 's3cr3t-old',
  insecureSsl: false,
  timeoutSeconds: 5,
  enabled: true,
  retryScheduleSeconds: null,
  subscriptions: [subscription('UserStatus')],
  ...extra,
});

const org = (extra: Partial<OrgState> = {}): OrgState => ({
  organizationId: ORG,
  securityGroups: [],
  webhooks: [webhook('https://a/')],
  ...extra,
});

/** The stored side: groups say the document owns their members when it listed them. */
const stored = (states: OrgState[]): StoredOrgState[] =>
  states.map((o) => ({
    ...o,
    securityGroups: o.securityGroups.map((g) => ({ ...g, membersFromDocument: g.source === 'config' })),
  }));

const changesOf = (current: OrgState[], desired: OrgState[]) => {
  const before = stored(current);
  return planChanges(
    before,
    resolveWebhookIds(before, desired, () => 'new-id'),
  );
};
const plan = (current: OrgState[], desired: OrgState[]) => changesOf(current, desired).map(formatChange);

describe('planChanges', () => {
  it('plans nothing between equal states', () => {
    expect(plan([org()], [org()])).toEqual([]);
  });

  it('creates a missing organization with everything in it', () => {
    const id = 'id-https://a/';
    expect(changesOf([], [org()])).toEqual([
      { op: 'create', kind: 'organization', organizationId: ORG, key: ORG },
      { op: 'create', kind: 'webhook', organizationId: ORG, key: 'https://a/', webhookId: id },
      {
        op: 'create',
        kind: 'subscription',
        organizationId: ORG,
        key: 'https://a/ UserStatus AllEntities',
        webhookId: id,
      },
    ]);
  });

  it('ignores current organizations the desired state does not list', () => {
    expect(plan([org({ organizationId: 'other' }), org()], [org()])).toEqual([]);
  });

  it('lists every changed webhook field in one update, hiding the secret', () => {
    const after = webhook('https://a/', {
      secret: 's3cr3t-new',
      description: 'CRM',
      insecureSsl: true,
      timeoutSeconds: 10,
      enabled: false,
      retryScheduleSeconds: [1, 2.5],
    });
    const changes = plan([org()], [org({ webhooks: [after] })]);
    expect(changes).toEqual([
      'update webhook id-https://a/ https://a/ (Secret changed, Description none -> "CRM", InsecureSSL false -> true, ' +
        'TimeoutSeconds 5 -> 10, Enabled true -> false, RetryScheduleSeconds default -> [1, 2.5])',
    ]);
    expect(changes.join()).not.toContain('s3cr3t');
  });

  it('treats subscriptions as a set identified by their content', () => {
    const before = webhook('https://a/', {
      subscriptions: [
        subscription('UserStatus'),
        subscription('CallbackChanged', { allEntities: false, entityId: 'e1' }),
      ],
    });
    const after = webhook('https://a/', {
      subscriptions: [
        subscription('UserStatus', { enabled: false }),
        subscription('CallbackChanged', { allEntities: false, entityId: 'e1' }),
      ],
    });
    expect(plan([org({ webhooks: [before] })], [org({ webhooks: [after] })])).toEqual([
      'delete subscription https://a/ UserStatus AllEntities',
      'create subscription https://a/ UserStatus AllEntities disabled',
    ]);
  });

  it('deletes config groups the document drops but never producer groups', () => {
    const current = org({
      securityGroups: [
        { id: 'g-config', source: 'config', members: ['e1', 'e2'] },
        { id: 'g-producer', source: 'producer', members: ['e1'] },
      ],
    });
    expect(plan([current], [org()])).toEqual(['delete security-group g-config (2 members)']);
  });

  it('replaces members only when the document lists them', () => {
    const current = org({ securityGroups: [{ id: 'g', source: 'config', members: ['e1', 'e2'] }] });
    const listed = org({ securityGroups: [{ id: 'g', source: 'config', members: ['e2', 'e3', 'e4'] }] });
    expect(plan([current], [listed])).toEqual(['update security-group-members g (2 added, 1 removed)']);
  });

  it('updates the Endpoint of a webhook the document names by WebhookId, keeping it', () => {
    const moved = webhook('https://b/', { webhookId: 'id-https://a/' });
    expect(plan([org()], [org({ webhooks: [moved] })])).toEqual([
      'update webhook id-https://a/ https://b/ (Endpoint https://a/ -> https://b/)',
    ]);
  });

  it('finds a webhook the document does not name by its Endpoint, compared normalised', () => {
    const current = org({ webhooks: [webhook('https://host.example/hook')] });
    const same = webhook('HTTPS://Host.Example.:443/hook', { webhookId: null });
    expect(plan([current], [org({ webhooks: [same] })])).toEqual([
      'update webhook id-https://host.example/hook HTTPS://Host.Example.:443/hook (Endpoint https://host.example/hook -> HTTPS://Host.Example.:443/hook)',
    ]);
    const other = webhook('https://host.example/other', { webhookId: null });
    expect(plan([current], [org({ webhooks: [other] })])).toEqual([
      'delete webhook id-https://host.example/hook https://host.example/hook (1 subscription)',
      'create webhook new-id https://host.example/other',
      'create subscription https://host.example/other UserStatus AllEntities',
    ]);
  });

  it("tells producers from the document as owner of a group's members", () => {
    const current = org({ securityGroups: [{ id: 'g', source: 'config', members: ['e1'] }] });
    const unlisted = org({ securityGroups: [{ id: 'g', source: 'config', members: null }] });
    expect(plan([current], [unlisted])).toEqual(['update security-group g (members from producers)']);
  });

  it('orders changes so that applying them in sequence respects foreign keys', () => {
    const current = org({ securityGroups: [{ id: 'old', source: 'config', members: [] }] });
    const desired = org({
      securityGroups: [{ id: 'new', source: 'config', members: ['e1'] }],
      webhooks: [
        webhook('https://b/', {
          subscriptions: [subscription('UserStatus', { allEntities: false, securityGroupId: 'new' })],
        }),
      ],
    });
    expect(plan([current], [desired])).toEqual([
      'create security-group new (1 member)',
      'delete webhook id-https://a/ https://a/ (1 subscription)',
      'create webhook id-https://b/ https://b/',
      'create subscription https://b/ UserStatus SecurityGroupId=new',
      'delete security-group old (0 members)',
    ]);
  });
});
