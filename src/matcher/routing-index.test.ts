import { describe, expect, it } from 'vitest';
import { matchWebhooks } from './match.js';
import { RoutingIndex } from './routing-index.js';
import type { GroupMembership, MatchKey, RoutingSubscription } from './types.js';

const guid = (kind: number, n: number) =>
  `${String(kind).padStart(8, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ORGS = [guid(1, 1), guid(1, 2), guid(1, 3)];
// Entity ids are shared by the organizations on purpose: rows of several organizations then share a chain.
const ENTITIES = Array.from({ length: 12 }, (_, n) => guid(2, n));
const GROUPS = [guid(3, 1), guid(3, 2), guid(3, 3)];
const TYPES = ['UserStatus', 'QueueStatus', 'CallEnded'];

/** mulberry32: reproducible configurations and membership changes. */
function random(seed: number): <T>(list: readonly T[]) => T {
  let a = seed;
  return (list) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return list[
      Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * list.length)
    ] as (typeof list)[number];
  };
}

/** The definition of a match, read straight off the subscriptions and the current members. */
function expected(
  subs: readonly RoutingSubscription[],
  members: Map<string, string[]>,
  k: MatchKey,
): number[] {
  const ids = subs
    .filter((s) => s.organizationId === k.organizationId && s.eventType === k.eventType)
    .filter(
      (s) =>
        s.allEntities ||
        s.entityId === k.entityId ||
        (s.securityGroupId !== null &&
          (members.get(`${s.organizationId}/${s.securityGroupId}`) ?? []).includes(k.entityId)),
    )
    .map((s) => s.webhookId);
  return [...new Set(ids)].sort((a, b) => a - b);
}

function everyKey(): MatchKey[] {
  return ORGS.flatMap((organizationId) =>
    TYPES.flatMap((eventType) => ENTITIES.map((entityId) => ({ organizationId, eventType, entityId }))),
  );
}

function world(seed: number) {
  const pick = random(seed);
  const kinds = ['all', 'entity', 'entity', 'group', 'group'] as const;
  const subs: RoutingSubscription[] = Array.from({ length: 60 }, (_, i) => {
    const kind = pick(kinds);
    return {
      webhookId: 1 + (i % 15),
      organizationId: pick(ORGS),
      eventType: pick(TYPES),
      allEntities: kind === 'all',
      entityId: kind === 'entity' ? pick(ENTITIES) : null,
      securityGroupId: kind === 'group' ? pick(GROUPS) : null,
    };
  });
  const members = new Map<string, string[]>();
  for (const org of ORGS)
    for (const group of GROUPS) members.set(`${org}/${group}`, [pick(ENTITIES), pick(ENTITIES)]);
  return { pick, subs, members };
}

function membershipRows(members: Map<string, string[]>): GroupMembership[] {
  return [...members].flatMap(([at, entityIds]) => {
    const [organizationId, securityGroupId] = at.split('/') as [string, string];
    return entityIds.map((entityId) => ({ organizationId, securityGroupId, entityId }));
  });
}

describe('RoutingIndex', () => {
  it('answers like the definition, and like a rebuild, across group replacements and removals', () => {
    for (const seed of [1, 2, 3]) {
      const { pick, subs, members } = world(seed);
      const index = new RoutingIndex(subs, membershipRows(members));
      for (let step = 0; step < 40; step++) {
        const org = pick(ORGS);
        const group = pick(GROUPS);
        if (step % 5 === 4) {
          index.removeGroup(org, group);
          members.delete(`${org}/${group}`);
        } else {
          const entityIds = [pick(ENTITIES), pick(ENTITIES), pick(ENTITIES)].slice(0, step % 4);
          index.replaceGroup(org, group, entityIds);
          members.set(`${org}/${group}`, entityIds);
        }
        const rebuilt = new RoutingIndex(subs, membershipRows(members));
        for (const k of everyKey()) {
          const want = expected(subs, members, k);
          expect(
            [...matchWebhooks(index, k)].sort((a, b) => a - b),
            `${seed}/${step} ${JSON.stringify(k)}`,
          ).toEqual(want);
          expect([...matchWebhooks(rebuilt, k)].sort((a, b) => a - b)).toEqual(want);
        }
      }
    }
  });

  it('returns results the caller may keep while rows are released and reused', () => {
    const org = ORGS[0] as string;
    const [first, second] = GROUPS as [string, string];
    const bySecurityGroup = (webhookId: number, securityGroupId: string): RoutingSubscription => ({
      webhookId,
      organizationId: org,
      eventType: 'UserStatus',
      entityId: null,
      securityGroupId,
      allEntities: false,
    });
    const index = new RoutingIndex(
      [bySecurityGroup(4, first), bySecurityGroup(5, second)],
      [{ organizationId: org, securityGroupId: first, entityId: ENTITIES[0] as string }],
    );
    const k = { organizationId: org, eventType: 'UserStatus', entityId: ENTITIES[0] as string };
    const kept = matchWebhooks(index, k);
    index.removeGroup(org, first);
    index.replaceGroup(org, second, [ENTITIES[1] as string]); // a row of the same length, in the freed place
    expect(kept).toEqual([4]);
    expect(matchWebhooks(index, k)).toEqual([]);
    expect(matchWebhooks(index, { ...k, entityId: ENTITIES[1] as string })).toEqual([5]);
  });
});
