import { EVENT_TYPES } from '../../src/catalogue/index.js';
import { matchWebhooks } from '../../src/matcher/match.js';
import { RoutingIndex } from '../../src/matcher/routing-index.js';
import type { GroupMembership, MatchKey, RoutingSubscription } from '../../src/matcher/types.js';
import { seededRandom as random } from './random.js';

/**
 * A deterministic configuration for the matcher: every organization has 20 webhooks and 100
 * subscriptions over 10 event types (10 per type). Half the types have one AllEntities subscription
 * plus 6 EntityId and 3 SecurityGroupId ones; the other half 7 EntityId and 3 SecurityGroupId. Each
 * organization has 200 users and 10 security groups of 20 members.
 */
export interface MatcherWorld {
  organizations: number;
  subscriptions: number;
  routes: RoutingIndex;
  /** KEYS keys (a power of two) that match at least one webhook, spread over all the organizations. */
  matching: MatchKey[];
  /** Keys of subscribed (organization, type) pairs that match nobody. */
  nonMatching: MatchKey[];
}

const TYPES_PER_ORG = 10;
const SUBS_PER_TYPE = 10;
const USERS_PER_ORG = 200;
const GROUPS_PER_ORG = 10;
const MEMBERS_PER_GROUP = 20;
const WEBHOOKS_PER_ORG = 20;
export const KEYS = 4_096;

function guid(kind: number, org: number, n: number): string {
  const hex = (v: number, width: number) => v.toString(16).padStart(width, '0');
  return `${hex(kind, 8)}-${hex(org >> 16, 4)}-4${hex(org & 0xfff, 3)}-8${hex(n >> 16, 3)}-${hex(n & 0xffff, 12)}`;
}

export function buildMatcherWorld(organizations: number): MatcherWorld {
  const rand = random(42);
  const pick = (n: number) => Math.floor(rand() * n);
  const types = EVENT_TYPES.slice(0, TYPES_PER_ORG);
  const subs: RoutingSubscription[] = [];
  const members: GroupMembership[] = [];
  for (let org = 0; org < organizations; org++) {
    const organizationId = guid(1, org, 0);
    const user = (n: number) => guid(2, org, n);
    const group = (n: number) => guid(3, org, n);
    for (let g = 0; g < GROUPS_PER_ORG; g++) {
      for (let m = 0; m < MEMBERS_PER_GROUP; m++) {
        members.push({ organizationId, securityGroupId: group(g), entityId: user(pick(USERS_PER_ORG)) });
      }
    }
    types.forEach((eventType, t) => {
      for (let s = 0; s < SUBS_PER_TYPE; s++) {
        const webhookId = org * WEBHOOKS_PER_ORG + pick(WEBHOOKS_PER_ORG) + 1;
        const kind = s === 0 && t % 2 === 0 ? 'all' : s < 7 ? 'entity' : 'group';
        subs.push({
          webhookId,
          organizationId,
          eventType,
          allEntities: kind === 'all',
          entityId: kind === 'entity' ? user(pick(USERS_PER_ORG)) : null,
          securityGroupId: kind === 'group' ? group(pick(GROUPS_PER_ORG)) : null,
        });
      }
    });
  }
  const routes = new RoutingIndex(subs, members);
  const world = { organizations, subscriptions: subs.length, routes };
  return { ...world, ...sampleKeys(world, organizations) };
}

/**
 * Keys drawn from the first `fromOrganizations` organizations, sorted by whether they match. They go
 * through a JSON round trip so their strings are flat, like those of an event parsed from a request.
 */
export function sampleKeys(
  world: Pick<MatcherWorld, 'routes'>,
  fromOrganizations: number,
): { matching: MatchKey[]; nonMatching: MatchKey[] } {
  const rand = random(7);
  const pick = (n: number) => Math.floor(rand() * n);
  const types = EVENT_TYPES.slice(0, TYPES_PER_ORG);
  const matching: MatchKey[] = [];
  const nonMatching: MatchKey[] = [];
  for (let tries = 0; (matching.length < KEYS || nonMatching.length < KEYS) && tries < 1_000_000; tries++) {
    const org = pick(fromOrganizations);
    const key: MatchKey = {
      organizationId: guid(1, org, 0),
      eventType: types[pick(TYPES_PER_ORG)] as string,
      entityId: guid(2, org, pick(USERS_PER_ORG)),
    };
    const hits = matchWebhooks(world.routes, key).length;
    if (hits > 0 && matching.length < KEYS) matching.push(key);
    else if (hits === 0 && nonMatching.length < KEYS) nonMatching.push(key);
  }
  return JSON.parse(JSON.stringify({ matching, nonMatching }));
}
