import { describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/config/apply.js';
import { parseConfigDocument } from '../../src/config/parse.js';
import { formatChange } from '../../src/config/plan.js';
import { readState } from '../../src/store/config/read-state.js';
import type { GatewayDatabase } from '../../src/store/database.js';
import { deliveries, events, subscriptions, webhooks } from '../../src/store/schema/index.js';
import { GROUP, ORG, OTHER_ORG, SECRET, sampleDocument, useTempDatabases } from './helpers.js';

const open = useTempDatabases();

/** WebhookIds are assigned at random on creation: changes show them as <id>. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const apply = (g: GatewayDatabase, json: unknown, dryRun = false) =>
  applyConfig(g, parseConfigDocument(json), { dryRun })
    .map(formatChange)
    .map((line) => line.replace(new RegExp(`^(\\w+ webhook )${UUID.source}`), '$1<id>'));

function count(g: GatewayDatabase, table: string): number {
  return (g.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('applyConfig', () => {
  it('creates the organization, its group with members, webhooks and subscriptions', () => {
    const g = open();
    expect(apply(g, sampleDocument())).toEqual([
      `create organization ${ORG}`,
      `create security-group ${GROUP} (1 member)`,
      'create webhook <id> https://bi.example.com/in',
      'create subscription https://bi.example.com/in UserStatus AllEntities disabled',
      'create webhook <id> https://crm.example.com/webhook/',
      'create subscription https://crm.example.com/webhook/ CallbackChanged EntityId=e0072f3a-cc7c-42ee-b0ac-34cd7238150a',
      'create subscription https://crm.example.com/webhook/ QueueCallInUserConnected AllEntities',
      `create subscription https://crm.example.com/webhook/ UserStatus SecurityGroupId=${GROUP}`,
    ]);
    expect(readState(g)).toEqual(
      parseConfigDocument(sampleDocument()).organizations.map((org) => ({
        ...org,
        securityGroups: org.securityGroups.map((group) => ({
          ...group,
          members: group.members ?? [],
          membersFromDocument: group.members !== null,
        })),
        webhooks: org.webhooks.map((w) => ({ ...w, webhookId: expect.stringMatching(UUID) })),
      })),
    );
    const crm = g.db
      .select()
      .from(webhooks)
      .all()
      .find((w) => w.endpoint.startsWith('https://crm'));
    expect(crm).toMatchObject({
      organizationId: ORG,
      secret: SECRET,
      timeoutSeconds: 5,
      retryScheduleSeconds: null,
    });
  });

  it('changes nothing when the same document is applied twice', () => {
    const g = open();
    apply(g, sampleDocument());
    const before = g.db.select().from(webhooks).all();
    expect(apply(g, sampleDocument())).toEqual([]);
    expect(g.db.select().from(webhooks).all()).toEqual(before);
  });

  it('turns a changed timeout into one webhook update', () => {
    const g = open();
    apply(g, sampleDocument());
    const doc = sampleDocument();
    const crm = doc.Organizations[0]?.Webhooks[0];
    if (crm === undefined) throw new Error('sample changed');
    crm.Webhook.TimeoutSeconds = 10;
    expect(apply(g, doc)).toEqual([
      'update webhook <id> https://crm.example.com/webhook/ (TimeoutSeconds 5 -> 10)',
    ]);
    expect(readState(g)[0]?.webhooks.find((w) => w.endpoint === crm.Webhook.Endpoint)?.timeoutSeconds).toBe(
      10,
    );
  });

  it('shows a changed Secret without its value, old or new', () => {
    const g = open();
    apply(g, sampleDocument());
    const doc = sampleDocument();
    const crm = doc.Organizations[0]?.Webhooks[0];
    if (crm === undefined) throw new Error('sample changed');
    crm.Webhook.Secret = 'AnotherSecret-99';
    const changes = apply(g, doc);
    expect(changes).toEqual(['update webhook <id> https://crm.example.com/webhook/ (Secret changed)']);
    expect(changes.join('\n')).not.toMatch(/TopSecretValue|AnotherSecret/);
  });

  it('deletes a webhook the document no longer lists: its subscriptions go, its waiting deliveries are cancelled', () => {
    const g = open();
    apply(g, sampleDocument());
    const bi = g.db
      .select()
      .from(webhooks)
      .all()
      .find((w) => w.endpoint === 'https://bi.example.com/in');
    if (bi === undefined) throw new Error('webhook missing');
    const event = g.db
      .insert(events)
      .values({
        id: 'ev-1',
        organizationId: ORG,
        eventType: 'UserStatus',
        entityId: 'x',
        occurredAt: '2024-01-01T00:00:00',
        payload: '{}',
        acceptedAt: 1,
        matchCount: 1,
      })
      .returning()
      .get();
    g.db
      .insert(deliveries)
      .values({ eventSeq: event.seq, webhookId: bi.id, state: 'pending', nextAttemptAt: 1, createdAt: 1 })
      .run();

    const doc = sampleDocument();
    doc.Organizations[0]?.Webhooks.pop();
    expect(apply(g, doc)).toEqual(['delete webhook <id> https://bi.example.com/in (1 subscription)']);
    expect(readState(g)[0]?.webhooks.map((w) => w.endpoint)).toEqual(['https://crm.example.com/webhook/']);
    // Kept for trace, marked deleted, with its delivery cancelled rather than lost.
    expect(
      g.db
        .select()
        .from(webhooks)
        .all()
        .find((w) => w.id === bi.id)?.deletedAt,
    ).toEqual(expect.any(Number));
    expect(count(g, 'subscriptions')).toBe(3);
    expect(g.db.select().from(deliveries).all()).toMatchObject([
      { state: 'cancelled', finishedAt: expect.any(Number) },
    ]);
    expect(count(g, 'events')).toBe(1);
    // The same Endpoint listed again is a new webhook, not the deleted one.
    const readded = apply(g, sampleDocument());
    expect(readded).toContain('create webhook <id> https://bi.example.com/in');
    expect(readState(g)[0]?.webhooks.find((w) => w.endpoint === bi.endpoint)?.webhookId).not.toBe(
      bi.webhookId,
    );
  });

  it('keeps a webhook named by WebhookId across an Endpoint change, and brings a deleted one back by its id', () => {
    const g = open();
    const id = '7d5c2b9e-3f41-4a8e-9c1d-2e6f8a0b4c13';
    const doc = (endpoint: string | null) => ({
      Organizations: [
        {
          OrganizationId: ORG,
          Webhooks:
            endpoint === null
              ? []
              : [
                  {
                    Webhook: { WebhookId: id.toUpperCase(), Endpoint: endpoint },
                    Subscriptions: [{ EventType: 'UserStatus', AllEntities: true }],
                  },
                ],
        },
      ],
    });
    apply(g, doc('https://a.example/hook'));
    const row = () => g.db.select().from(webhooks).all();
    const first = row()[0];
    expect(apply(g, doc('https://b.example/hook'))).toEqual([
      // (the helper shows WebhookIds as <id>; the row below is the same webhook)
      'update webhook <id> https://b.example/hook (Endpoint https://a.example/hook -> https://b.example/hook)',
    ]);
    expect(row()).toMatchObject([{ id: first?.id, webhookId: id, endpoint: 'https://b.example/hook' }]);
    apply(g, doc(null));
    expect(row()).toMatchObject([{ id: first?.id, deletedAt: expect.any(Number) }]);
    expect(apply(g, doc('https://b.example/hook'))).toEqual([
      'create webhook <id> https://b.example/hook',
      'create subscription https://b.example/hook UserStatus AllEntities',
    ]);
    expect(row()).toMatchObject([{ id: first?.id, deletedAt: null }]);
  });

  it('refuses a WebhookId of another organization, changing nothing', () => {
    const g = open();
    const id = '7d5c2b9e-3f41-4a8e-9c1d-2e6f8a0b4c13';
    const doc = (organizationId: string, endpoint: string) => ({
      Organizations: [
        { OrganizationId: organizationId, Webhooks: [{ Webhook: { WebhookId: id, Endpoint: endpoint } }] },
      ],
    });
    apply(g, doc(ORG, 'https://a.example/hook'));
    expect(() => apply(g, doc(OTHER_ORG, 'https://c.example/hook'))).toThrow(
      `WebhookId ${id} is a webhook of organization ${ORG}, not of ${OTHER_ORG}`,
    );
    expect(readState(g, [OTHER_ORG])).toEqual([]);
  });

  it('replaces a subscription whose target or Enabled changed, by content', () => {
    const g = open();
    apply(g, sampleDocument());
    const doc = sampleDocument();
    const bi = doc.Organizations[0]?.Webhooks[1];
    if (bi === undefined) throw new Error('sample changed');
    bi.Subscriptions = [{ EventType: 'UserStatus', AllEntities: true, Enabled: true }];
    expect(apply(g, doc)).toEqual([
      'delete subscription https://bi.example.com/in UserStatus AllEntities disabled',
      'create subscription https://bi.example.com/in UserStatus AllEntities',
    ]);
    expect(
      g.db
        .select()
        .from(subscriptions)
        .all()
        .filter((s) => s.enabled && s.eventType === 'UserStatus'),
    ).toHaveLength(2);
  });

  it('writes nothing on a dry run but reports the same changes', () => {
    const g = open();
    const planned = apply(g, sampleDocument(), true);
    expect(planned).toHaveLength(8);
    expect(count(g, 'organizations') + count(g, 'webhooks') + count(g, 'subscriptions')).toBe(0);
    expect(apply(g, sampleDocument())).toEqual(planned);
  });

  it('leaves organizations the document does not list alone', () => {
    const g = open();
    const other = sampleDocument();
    const org = other.Organizations[0];
    if (org === undefined) throw new Error('sample changed');
    org.OrganizationId = OTHER_ORG;
    apply(g, other);
    apply(g, sampleDocument());
    expect(apply(g, { Organizations: [{ OrganizationId: ORG }] })).toEqual([
      'delete webhook <id> https://bi.example.com/in (1 subscription)',
      'delete webhook <id> https://crm.example.com/webhook/ (3 subscriptions)',
      `delete security-group ${GROUP} (1 member)`,
    ]);
    expect(readState(g, [OTHER_ORG])[0]?.webhooks).toHaveLength(2);
  });

  it('rolls back everything when one write fails', () => {
    const g = open();
    // A trigger makes the last subscription insert fail, after the organization and webhooks were written.
    g.sqlite.exec(`CREATE TRIGGER refuse AFTER INSERT ON subscriptions WHEN NEW.event_type = 'UserStatus' AND NEW.enabled = 1
      BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    expect(() => apply(g, sampleDocument())).toThrow(/refused/);
    expect(
      count(g, 'organizations') +
        count(g, 'webhooks') +
        count(g, 'subscriptions') +
        count(g, 'security_groups'),
    ).toBe(0);
  });
});
