import { describe, expect, it } from 'vitest';
import { matchWebhooks } from './match.js';
import { MembershipIndex } from './membership-index.js';
import { bucketOf, buildSubscriptionIndex } from './subscription-index.js';
import type { RoutingSubscription } from './types.js';

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

describe('matchWebhooks', () => {
  it('matches AllEntities, EntityId and SecurityGroupId subscriptions', () => {
    const index = buildSubscriptionIndex([
      sub({ webhookId: 1, allEntities: true }),
      sub({ webhookId: 2, entityId: ENTITY }),
      sub({ webhookId: 3, securityGroupId: GROUP }),
      sub({ webhookId: 4, entityId: OTHER_ENTITY }),
    ]);
    const members = new MembershipIndex([{ organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY }]);
    expect([...matchWebhooks(index, members, key)].sort()).toEqual([1, 2, 3]);
    expect([...matchWebhooks(index, members, { ...key, entityId: OTHER_ENTITY })].sort()).toEqual([1, 4]);
  });

  it('lists a webhook once however many of its subscriptions match', () => {
    const index = buildSubscriptionIndex([
      sub({ webhookId: 7, allEntities: true }),
      sub({ webhookId: 7, entityId: ENTITY }),
      sub({ webhookId: 7, securityGroupId: GROUP }),
    ]);
    const members = new MembershipIndex([{ organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY }]);
    expect(matchWebhooks(index, members, key)).toEqual([7]);
  });

  it('never crosses organizations, even for the same entity, group and type', () => {
    const index = buildSubscriptionIndex([
      sub({ webhookId: 1, organizationId: OTHER_ORG, allEntities: true }),
      sub({ webhookId: 2, organizationId: OTHER_ORG, securityGroupId: GROUP }),
    ]);
    const members = new MembershipIndex([
      { organizationId: OTHER_ORG, securityGroupId: GROUP, entityId: ENTITY },
      { organizationId: ORG, securityGroupId: GROUP, entityId: ENTITY },
    ]);
    expect(matchWebhooks(index, members, key)).toEqual([]);
  });

  it('matches only the subscribed event type', () => {
    const index = buildSubscriptionIndex([
      sub({ webhookId: 1, eventType: 'QueueStatus', allEntities: true }),
    ]);
    expect(matchWebhooks(index, new MembershipIndex(), key)).toEqual([]);
  });

  it('follows membership changes without rebuilding the subscription index', () => {
    const index = buildSubscriptionIndex([sub({ webhookId: 5, securityGroupId: GROUP })]);
    const members = new MembershipIndex();
    expect(matchWebhooks(index, members, key)).toEqual([]);
    members.replaceGroup(ORG, GROUP, [ENTITY, OTHER_ENTITY]);
    expect(matchWebhooks(index, members, key)).toEqual([5]);
    members.replaceGroup(ORG, GROUP, [OTHER_ENTITY]);
    expect(matchWebhooks(index, members, key)).toEqual([]);
    expect(matchWebhooks(index, members, { ...key, entityId: OTHER_ENTITY })).toEqual([5]);
    members.removeGroup(ORG, GROUP);
    expect(members.groupsOf(ORG, OTHER_ENTITY)).toEqual([]);
  });

  it('reads the same amount of index for a match at 100 and at 100,000 subscriptions', () => {
    // The cost of a match is the size of the bucket(s) it reads; prove those do not grow with the total.
    const matching = [sub({ webhookId: 1, allEntities: true }), sub({ webhookId: 2, entityId: ENTITY })];
    const filler = (n: number): RoutingSubscription[] =>
      Array.from({ length: n }, (_, i) =>
        sub({
          webhookId: 1000 + i,
          organizationId: `00000000-0000-0000-0000-${String(i % 1000).padStart(12, '0')}`,
          eventType: i % 2 === 0 ? 'UserStatus' : 'QueueStatus',
          entityId: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        }),
      );
    const small = buildSubscriptionIndex([...matching, ...filler(98)]);
    const large = buildSubscriptionIndex([...matching, ...filler(99_998)]);
    const members = new MembershipIndex();
    const bucketSize = (index: typeof small) => {
      const b = bucketOf(index, ORG, 'UserStatus');
      return { all: b?.all.length, entityKeys: b?.byEntity.size, groups: b?.byGroup.size };
    };
    expect(large.size).toBeGreaterThan(small.size * 10); // organizations indexed
    expect(bucketSize(large)).toEqual(bucketSize(small));
    expect([...matchWebhooks(large, members, key)].sort()).toEqual([1, 2]);
    expect([...matchWebhooks(small, members, key)].sort()).toEqual([1, 2]);
  });
});
