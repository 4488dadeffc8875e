import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import {
  ORG,
  OTHER_ORG,
  organization,
  startTestGateway,
  type TestGateway,
  TOKEN,
} from '../support/gateway.js';

const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
const PRODUCER_GROUP = '7a1c0b52-3e8d-4f0a-9b6e-1d2c3b4a5f60';
const MEMBER = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const ENTITY = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const STRANGER = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

const URLS = {
  all: 'http://127.0.0.1:9/all',
  entity: 'http://127.0.0.1:9/entity',
  group: 'http://127.0.0.1:9/group',
  producerGroup: 'http://127.0.0.1:9/producer-group',
  disabledWebhook: 'http://127.0.0.1:9/disabled-webhook',
  disabledSubscription: 'http://127.0.0.1:9/disabled-subscription',
  multi: 'http://127.0.0.1:9/multi',
  other: 'http://127.0.0.1:9/other-org',
};

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    organizations: [
      organization(
        ORG,
        [
          { endpoint: URLS.all, subscriptions: [{ EventType: 'UserStatus', AllEntities: true }] },
          {
            endpoint: URLS.entity,
            subscriptions: [{ EventType: 'UserStatus', EntityId: ENTITY.toUpperCase() }],
          },
          { endpoint: URLS.group, subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: GROUP }] },
          {
            endpoint: URLS.producerGroup,
            subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: PRODUCER_GROUP }],
          },
          {
            endpoint: URLS.disabledWebhook,
            webhook: { Enabled: false },
            subscriptions: [{ EventType: 'UserStatus', AllEntities: true }],
          },
          {
            endpoint: URLS.disabledSubscription,
            subscriptions: [{ EventType: 'UserStatus', AllEntities: true, Enabled: false }],
          },
          {
            endpoint: URLS.multi,
            subscriptions: [
              { EventType: 'UserStatus', AllEntities: true },
              { EventType: 'UserStatus', EntityId: MEMBER },
              { EventType: 'UserStatus', SecurityGroupId: GROUP },
            ],
          },
        ],
        [{ SecurityGroupId: GROUP, EntityIds: [MEMBER] }, { SecurityGroupId: PRODUCER_GROUP }],
      ),
      organization(OTHER_ORG, [
        { endpoint: URLS.other, subscriptions: [{ EventType: 'UserStatus', AllEntities: true }] },
      ]),
    ],
  });
});
afterAll(() => gw.cleanup());

/** The deliveries an event was recorded with: endpoint and state, sorted by endpoint. */
async function deliveriesOf(organizationId: string, entityId: string) {
  const event = specEvent('UserStatus', organizationId, entityId);
  const result = await gw.publisher.publish(event);
  const rows = gw.rows<{ endpoint: string; state: string }>(
    `SELECT w.endpoint, d.state FROM deliveries d JOIN events e ON e.seq = d.event_seq
       JOIN webhooks w ON w.id = d.webhook_id WHERE e.id = ? ORDER BY w.endpoint`,
    event.Id,
  );
  expect(result.Matched).toBe(rows.length);
  return rows;
}

/** The endpoints an event will be attempted at (paused ones left out), sorted. */
async function receiversOf(organizationId: string, entityId: string): Promise<string[]> {
  return (await deliveriesOf(organizationId, entityId))
    .filter((d) => d.state !== 'paused')
    .map((d) => d.endpoint);
}

describe('subscription matching', () => {
  it('reaches AllEntities subscribers only, for an entity nobody names', async () => {
    expect(await receiversOf(ORG, STRANGER)).toEqual([URLS.all, URLS.multi].sort());
  });

  it('adds EntityId subscribers for that entity, whatever the Guid case', async () => {
    expect(await receiversOf(ORG, ENTITY)).toEqual([URLS.all, URLS.entity, URLS.multi].sort());
  });

  it('adds SecurityGroupId subscribers for members, each webhook once', async () => {
    expect(await receiversOf(ORG, MEMBER)).toEqual([URLS.all, URLS.group, URLS.multi].sort());
  });

  it('never reaches another organization, and skips disabled subscriptions', async () => {
    const receivers = await receiversOf(OTHER_ORG, MEMBER);
    expect(receivers).toEqual([URLS.other]);
    const all = await deliveriesOf(ORG, MEMBER);
    expect(all.map((d) => d.endpoint)).not.toContain(URLS.disabledSubscription);
  });

  it('matches a disabled webhook and holds its delivery paused', async () => {
    const all = await deliveriesOf(ORG, STRANGER);
    expect(all).toContainEqual({ endpoint: URLS.disabledWebhook, state: 'paused' });
    expect(all.filter((d) => d.state === 'paused')).toHaveLength(1);
  });

  it('follows producer membership changes made over HTTP at once', async () => {
    const newcomer = randomUUID();
    expect(await receiversOf(ORG, newcomer)).not.toContain(URLS.producerGroup);
    const put = await fetch(`${gw.url}/v1/organizations/${ORG}/security-groups/${PRODUCER_GROUP}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ EntityIds: [newcomer] }),
    });
    expect(put.status).toBe(200);
    expect(await receiversOf(ORG, newcomer)).toContain(URLS.producerGroup);
    await gw.publisher.replaceSecurityGroupMembers(ORG, PRODUCER_GROUP, []);
    expect(await receiversOf(ORG, newcomer)).not.toContain(URLS.producerGroup);
  });

  it('refuses a membership request with bad Guids, naming each', async () => {
    const response = await fetch(`${gw.url}/v1/organizations/not-a-guid/security-groups/${GROUP}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ EntityIds: ['x'] }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { Error: { Problems: { Path: string }[] } };
    expect(body.Error.Problems.map((p) => p.Path)).toEqual(['$.OrganizationId', '$.EntityIds[0]']);
  });
});
