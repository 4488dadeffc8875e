import { describe, expect, it } from 'vitest';
import { matchWebhooks } from './match.js';
import { COUNT, IDS, NEXT } from './route-pool.js';
import { RoutingIndex } from './routing-index.js';
import type { MatchKey, RoutingSubscription } from './types.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';
const OTHER_ORG = '11111111-2222-3333-4444-555555555555';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
const OTHER_ENTITY = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';

function sub(partial: Partial<RoutingSubscription> & { webhookId: number }): RoutingSubscription {
  return {
    organizationId: ORG,
    eventType: 'UserStatus',
    entityId: null,
    securityGroupId: null,
    allEntities: false,
    ...partial,
  };
}

const key = { organizationId: ORG, eventType: 'UserStatus', entityId: ENTITY };
const sorted = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

describe('matchWebhooks', () => {
  it('matches AllEntities, EntityId and SecurityGroupId subscriptions', () => {
    const index = new RoutingIndex(
      [
        sub({ webhookId: 1, allEntities: true }),
        sub({ webhookId: 2, entityId: ENTITY }),
        sub({ webhookId: 3, securityGroupId: GROUP }),
        sub({ webhookId: 4, entityId: OTHER_ENTITY }),
      ],
      [{ organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY }],
    );
    expect(sorted(matchWebhooks(index, key))).toEqual([1, 2, 3]);
    expect(sorted(matchWebhooks(index, { ...key, entityId: OTHER_ENTITY }))).toEqual([1, 4]);
    expect(matchWebhooks(index, { ...key, entityId: '00000000-0000-0000-0000-000000000000' })).toEqual([1]);
  });

  it('lists a webhook once however many of its subscriptions match', () => {
    const index = new RoutingIndex(
      [
        sub({ webhookId: 7, allEntities: true }),
        sub({ webhookId: 7, entityId: ENTITY }),
        sub({ webhookId: 7, securityGroupId: GROUP }),
        sub({ webhookId: 8, entityId: ENTITY }),
        sub({ webhookId: 8, securityGroupId: GROUP }),
      ],
      [{ organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY }],
    );
    expect(sorted(matchWebhooks(index, key))).toEqual([7, 8]);
  });

  it('never crosses organizations, even for the same entity, group and type', () => {
    const index = new RoutingIndex(
      [
        sub({ webhookId: 1, organizationId: OTHER_ORG, allEntities: true }),
        sub({ webhookId: 2, organizationId: OTHER_ORG, securityGroupId: GROUP }),
        sub({ webhookId: 3, organizationId: OTHER_ORG, entityId: ENTITY }),
      ],
      [
        { organizationId: OTHER_ORG, securityGroupId: GROUP, entityId: ENTITY },
        { organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY },
      ],
    );
    expect(matchWebhooks(index, key)).toEqual([]);
    expect(sorted(matchWebhooks(index, { ...key, organizationId: OTHER_ORG }))).toEqual([1, 2, 3]);
  });

  it('keeps apart organizations that subscribe to the same entity id', () => {
    const index = new RoutingIndex([
      sub({ webhookId: 1, entityId: ENTITY }),
      sub({ webhookId: 2, organizationId: OTHER_ORG, entityId: ENTITY }),
      sub({ webhookId: 3, organizationId: OTHER_ORG, allEntities: true }),
    ]);
    expect(matchWebhooks(index, key)).toEqual([1]);
    expect(sorted(matchWebhooks(index, { ...key, organizationId: OTHER_ORG }))).toEqual([2, 3]);
  });

  it('matches only the subscribed event type', () => {
    const index = new RoutingIndex([sub({ webhookId: 1, eventType: 'QueueStatus', allEntities: true })]);
    expect(matchWebhooks(index, key)).toEqual([]);
  });

  it('follows membership changes without rebuilding the index', () => {
    const index = new RoutingIndex([sub({ webhookId: 5, securityGroupId: GROUP })]);
    expect(matchWebhooks(index, key)).toEqual([]);
    index.replaceGroup(ORG, GROUP, [ENTITY, OTHER_ENTITY]);
    expect(matchWebhooks(index, key)).toEqual([5]);
    index.replaceGroup(ORG, GROUP, [OTHER_ENTITY]);
    expect(matchWebhooks(index, key)).toEqual([]);
    expect(matchWebhooks(index, { ...key, entityId: OTHER_ENTITY })).toEqual([5]);
    index.removeGroup(ORG, GROUP);
    expect(matchWebhooks(index, { ...key, entityId: OTHER_ENTITY })).toEqual([]);
  });

  it("replaces one organization's subscriptions, leaving the others' rows alone", () => {
    const index = new RoutingIndex(
      [
        sub({ webhookId: 1, entityId: ENTITY }),
        sub({ webhookId: 2, organizationId: OTHER_ORG, entityId: ENTITY }),
        sub({ webhookId: 3, securityGroupId: GROUP }),
      ],
      [{ organizationId: ORG, securityGroupId: GROUP, entityId: OTHER_ENTITY }],
    );
    const other = { ...key, organizationId: OTHER_ORG };
    index.replaceOrganization(ORG, [
      sub({ webhookId: 7, allEntities: true }),
      sub({ webhookId: 8, securityGroupId: GROUP }),
    ]);
    expect(matchWebhooks(index, key)).toEqual([7]);
    expect(sorted(matchWebhooks(index, { ...key, entityId: OTHER_ENTITY }))).toEqual([7, 8]);
    expect(matchWebhooks(index, other)).toEqual([2]);
    index.replaceOrganization(ORG, []);
    expect(matchWebhooks(index, key)).toEqual([]);
    expect(matchWebhooks(index, { ...key, entityId: OTHER_ENTITY })).toEqual([]);
    expect(matchWebhooks(index, other)).toEqual([2]);
  });

  it('replaces a large group in bounded steps, each entity matching as before until its step', () => {
    const index = new RoutingIndex([sub({ webhookId: 5, securityGroupId: GROUP })]);
    const members = Array.from(
      { length: 25 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    index.replaceGroup(ORG, GROUP, members.slice(0, 10));
    const steps = index.replaceGroupInSteps(ORG, GROUP, members.slice(5), 4);
    let count = 0;
    const at = (i: number) => matchWebhooks(index, { ...key, entityId: members[i] as string });
    for (const _ of steps) {
      if (count++ === 0) {
        expect(at(0)).toEqual([5]); // not reached yet: still a member
        expect(at(24)).toEqual([]);
      }
    }
    // At most 4 entities change in a step and at most 16 ids are read: the 20 new members made a set
    // (2 steps), the 10 members read while 5 of them leave (2 steps), then the 20 read while 15 join (4),
    // the rows of each part that joined in a step of their own (4).
    expect(count).toBe(2 + 2 + 4 + 4);
    expect(members.map((_, i) => at(i).length)).toEqual(members.map((_, i) => (i >= 5 ? 1 : 0)));
  });

  it('gives the rows of each event type of joining members a step of their own', () => {
    const index = new RoutingIndex([
      sub({ webhookId: 5, securityGroupId: GROUP }),
      sub({ webhookId: 6, eventType: 'QueueStatus', securityGroupId: GROUP }),
    ]);
    const steps = index.replaceGroupInSteps(ORG, GROUP, [ENTITY], 4);
    const answers = () => [
      matchWebhooks(index, key),
      matchWebhooks(index, { ...key, eventType: 'QueueStatus' }),
    ];
    const seen: (readonly number[])[][] = [];
    for (const _ of steps) seen.push(answers());
    seen.push(answers());
    // Read the list, add the member, then one type's rows after the other.
    expect(seen).toEqual([
      [[], []],
      [[], []],
      [[5], []],
      [[5], [6]],
    ]);
  });

  it("leaves the rest of a group's steps to a replacement of the organization's subscriptions", () => {
    const index = new RoutingIndex([
      sub({ webhookId: 5, securityGroupId: GROUP }),
      sub({ webhookId: 6, eventType: 'QueueStatus', securityGroupId: GROUP }),
    ]);
    const steps = index.replaceGroupInSteps(ORG, GROUP, [ENTITY], 4);
    steps.next();
    steps.next(); // the member has joined; no type's rows have been updated yet
    // The QueueStatus subscription is dropped: its rows are not to be written by the steps left.
    index.replaceOrganization(ORG, [sub({ webhookId: 5, securityGroupId: GROUP })]);
    for (const _ of steps) {
      // Run the rest.
    }
    expect(matchWebhooks(index, key)).toEqual([5]);
    expect(matchWebhooks(index, { ...key, eventType: 'QueueStatus' })).toEqual([]);
  });

  it('reads one row of the same size for a match at 100 and at 100,000 subscriptions', () => {
    // The cost of a match is the chain of rows it walks for the event's entity and the size of the row
    // it copies; prove neither grows with the total.
    const matching = [
      sub({ webhookId: 1, allEntities: true }),
      sub({ webhookId: 2, entityId: ENTITY }),
      sub({ webhookId: 3, securityGroupId: GROUP }),
    ];
    const members = [{ organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY }];
    const filler = (n: number): RoutingSubscription[] =>
      Array.from({ length: n }, (_, i) =>
        sub({
          webhookId: 1000 + i,
          organizationId: `00000000-0000-0000-0000-${String(i % 1000).padStart(12, '0')}`,
          eventType: i % 2 === 0 ? 'UserStatus' : 'QueueStatus',
          entityId: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        }),
      );
    const small = new RoutingIndex([...matching, ...filler(97)], members);
    const large = new RoutingIndex([...matching, ...filler(99_997)], members);
    const rowsRead = (index: RoutingIndex, k: MatchKey) => {
      const ints = index.rows.ints;
      const rows: number[] = [];
      for (
        let at = index.types.get(k.eventType)?.heads[k.entityId] ?? -1;
        at >= 0;
        at = ints[at + NEXT] ?? -1
      ) {
        rows.push(IDS + (ints[at + COUNT] ?? 0));
      }
      return rows;
    };
    expect(Object.keys(large.organizations).length).toBeGreaterThan(
      Object.keys(small.organizations).length * 10,
    );
    expect(rowsRead(large, key)).toEqual([IDS + 3]);
    expect(rowsRead(small, key)).toEqual(rowsRead(large, key));
    const stranger = { ...key, entityId: OTHER_ENTITY };
    expect(rowsRead(large, stranger)).toEqual([]);
    expect(rowsRead(small, stranger)).toEqual([]);
    expect(sorted(matchWebhooks(large, key))).toEqual([1, 2, 3]);
    expect(sorted(matchWebhooks(small, key))).toEqual([1, 2, 3]);
    expect(matchWebhooks(large, stranger)).toEqual([1]);
  });
});
