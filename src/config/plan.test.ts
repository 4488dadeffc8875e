import { describe, expect, it } from 'vitest';
import type { OrgState, SubscriptionState, WebhookState } from './org-state.js';
import { formatChange, planChanges } from './plan.js';

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

const plan = (current: OrgState[], desired: OrgState[]) => planChanges(current, desired).map(formatChange);

describe('planChanges', () => {
  it('plans nothing between equal states', () => {
    expect(plan([org()], [org()])).toEqual([]);
  });

  it('creates a missing organization with everything in it', () => {
    expect(planChanges([], [org()])).toEqual([
      { op: 'create', kind: 'organization', organizationId: ORG, key: ORG },
      { op: 'create', kind: 'webhook', organizationId: ORG, key: 'https://a/' },
      { op: 'create', kind: 'subscription', organizationId: ORG, key: 'https://a/ UserStatus AllEntities' },
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
      'update webhook https://a/ (Secret changed, Description none -> "CRM", InsecureSSL false -> true, ' +
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
    const unlisted = org({ securityGroups: [{ id: 'g', source: 'config', members: null }] });
    expect(plan([current], [listed])).toEqual(['update security-group-members g (2 added, 1 removed)']);
    expect(plan([current], [unlisted])).toEqual([]);
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
      'delete webhook https://a/ (1 subscription)',
      'create webhook https://b/',
      'create subscription https://b/ UserStatus SecurityGroupId=new',
      'delete security-group old (0 members)',
    ]);
  });
});
