import { MembershipIndex } from './membership-index.js';
import { NEXT, ORGANIZATION, RoutePool } from './route-pool.js';
import { type Bucket, buildSubscriptionIndex } from './subscription-index.js';
import type { GroupMembership, RoutingSubscription } from './types.js';

/** The routes of one event type, over all organizations. */
export interface TypeRoutes {
  /**
   * entity -> offset of its first route row. A null-prototype object is a V8 dictionary of interned
   * strings, probed by pointer; a Map also reads the stored key's characters, one more cache miss per
   * match at 100,000 subscriptions (about twice the time in the matcher benchmark; equal when every
   * event brings new strings, as interning them costs that miss instead).
   */
  readonly heads: Record<string, number>;
  /** organization number -> its AllEntities webhooks, the answer for an entity without a row. */
  readonly everyone: (readonly number[] | undefined)[];
}

/** How many ids a step of replaceGroupInSteps may read per entity it may change: reading is cheap. */
const SCANS_PER_STEP = 4;

const dictionary = <T>(): Record<string, T> => Object.create(null);

/** Lists here are a handful of webhooks, so a scan beats a Set. */
function addMissing(into: number[], ids: readonly number[] | undefined): void {
  if (ids !== undefined) for (const id of ids) if (!into.includes(id)) into.push(id);
}

/**
 * The matcher's state. Group membership is folded into per-entity route rows, so a match is one
 * dictionary lookup and one row, whatever the number of subscriptions, organizations or groups. A row
 * exists where an entity receives more than the AllEntities webhooks of its organization and type, and
 * holds the whole answer. Membership changes recompute the rows of the entities they touch.
 */
export class RoutingIndex {
  /** organization -> number, the key of rows and of `everyone`. */
  readonly organizations = dictionary<number>();
  readonly types = new Map<string, TypeRoutes>();
  readonly rows = new RoutePool();
  /** organization -> event type -> its subscriptions by target kind. */
  private readonly subscriptions = new Map<string, ReadonlyMap<string, Bucket>>();
  private readonly memberships: MembershipIndex;
  private organizationCount = 0;
  /** The list `receivers` fills (a membership change computes 300,000 of them). */
  private readonly answer: number[] = [];

  /** Only enabled webhooks' enabled subscriptions should be passed in; Guids lower-cased. */
  constructor(subscriptions: Iterable<RoutingSubscription>, memberships: Iterable<GroupMembership> = []) {
    this.memberships = new MembershipIndex(memberships);
    for (const [organizationId, buckets] of buildSubscriptionIndex(subscriptions)) {
      this.linkOrganization(organizationId, buckets);
    }
    this.rows.trim();
  }

  /**
   * Replaces the subscriptions of one organization (all of them: pass every enabled subscription of its
   * enabled webhooks). The work is the organization's own rows, whatever the size of the others.
   */
  replaceOrganization(organizationId: string, subscriptions: Iterable<RoutingSubscription>): void {
    this.unlinkOrganization(organizationId);
    const buckets = buildSubscriptionIndex(subscriptions).get(organizationId);
    if (buckets !== undefined) this.linkOrganization(organizationId, buckets);
  }

  /** Sets a group's members; only the entities that joined or left it have their rows recomputed. */
  replaceGroup(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    for (const _ of this.replaceGroupInSteps(
      organizationId,
      securityGroupId,
      entityIds,
      Number.POSITIVE_INFINITY,
    )) {
      // Run every step now.
    }
  }

  /**
   * replaceGroup in steps, for a caller that yields to its event loop between them (a group of 100,000
   * members). A step applies at most `entitiesPerStep` joining or leaving entities and reads at most
   * SCANS_PER_STEP times as many ids, so no step's work grows with the size of the group. Between steps,
   * entities not yet reached still match as before the change, and the rows are consistent with the
   * membership so far, so the organization's subscriptions may be replaced between two steps.
   */
  *replaceGroupInSteps(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
    entitiesPerStep: number,
  ): Generator<void, void, void> {
    const scansPerStep = entitiesPerStep * SCANS_PER_STEP;
    const members = () => this.memberships.membersOf(organizationId, securityGroupId);
    // Who leaves: members not in the new list, which only a group with members needs as a set.
    if (members().size > 0) {
      const after = new Set<string>();
      for (let at = 0; at < entityIds.length; at += scansPerStep) {
        yield;
        const end = Math.min(at + scansPerStep, entityIds.length);
        for (let i = at; i < end; i++) after.add(entityIds[i] as string);
      }
      // A Set's iterator goes on past the members deleted behind it.
      const current = members().values();
      for (let done = false; !done; ) {
        yield;
        const leaving: string[] = [];
        for (let scanned = 0; scanned < scansPerStep && leaving.length < entitiesPerStep; scanned++) {
          const next = current.next();
          if (next.done === true) {
            done = true;
            break;
          }
          if (!after.has(next.value)) leaving.push(next.value);
        }
        this.memberships.removeMembers(organizationId, securityGroupId, leaving);
        this.refreshMembers(organizationId, securityGroupId, leaving);
      }
    }
    // Who joins: ids of the new list that are not members yet.
    for (let at = 0; at < entityIds.length; ) {
      yield;
      const joining: string[] = [];
      const present = members();
      for (
        let scanned = 0;
        scanned < scansPerStep && at < entityIds.length && joining.length < entitiesPerStep;
        scanned++
      ) {
        const id = entityIds[at++] as string;
        if (!present.has(id)) joining.push(id);
      }
      if (joining.length === 0) continue;
      this.memberships.addMembers(organizationId, securityGroupId, joining);
      yield* this.refreshJoinedInSteps(organizationId, securityGroupId, joining);
    }
  }

  /**
   * refreshMembers for entities that just joined, one event type a step: the route tables of the types
   * a group is subscribed to take the same new entities, so they grow (and rehash) in the same step
   * unless their updates are apart. Until its step, a type answers for these entities as before they
   * joined. A type's step is skipped when the organization's subscriptions were replaced meanwhile: that
   * rebuilt its rows from the membership, these entities included.
   */
  private *refreshJoinedInSteps(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Generator<void, void, void> {
    const buckets = this.subscriptions.get(organizationId);
    for (const [eventType, bucket] of buckets ?? []) {
      if (!bucket.byGroup.has(securityGroupId)) continue;
      yield;
      const organization = this.organizations[organizationId];
      if (organization === undefined || this.subscriptions.get(organizationId) !== buckets) return;
      const routes = this.routesOf(eventType);
      for (const entityId of entityIds) this.refresh(routes, organizationId, organization, bucket, entityId);
    }
  }

  /** Recomputes the rows of entities that just left the group, in one step (see refreshJoinedInSteps). */
  private refreshMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): void {
    if (entityIds.length === 0) return;
    const organization = this.organizations[organizationId];
    if (organization === undefined) return; // no subscriptions: no rows to update
    // Read at each step: the organization's subscriptions may have been replaced between two.
    for (const [eventType, bucket] of this.subscriptions.get(organizationId) ?? []) {
      if (!bucket.byGroup.has(securityGroupId)) continue;
      const routes = this.routesOf(eventType);
      for (const entityId of entityIds) this.refresh(routes, organizationId, organization, bucket, entityId);
    }
  }

  removeGroup(organizationId: string, securityGroupId: string): void {
    this.replaceGroup(organizationId, securityGroupId, []);
  }

  /** Links the rows of an organization that has none (a new one, or one just unlinked). */
  private linkOrganization(organizationId: string, buckets: ReadonlyMap<string, Bucket>): void {
    let organization = this.organizations[organizationId];
    if (organization === undefined) {
      organization = ++this.organizationCount;
      this.organizations[organizationId] = organization;
    }
    this.subscriptions.set(organizationId, buckets);
    for (const [eventType, bucket] of buckets) {
      const routes = this.routesOf(eventType);
      if (bucket.all.length > 0) routes.everyone[organization] = bucket.all;
      this.forEachEntityWithRow(organizationId, bucket, (entityId) =>
        this.link(routes, organization, entityId, this.receivers(organizationId, bucket, entityId)),
      );
    }
  }

  /** Drops every row of the organization; it keeps its number, so a relink reuses it. */
  private unlinkOrganization(organizationId: string): void {
    const organization = this.organizations[organizationId];
    const buckets = this.subscriptions.get(organizationId);
    if (organization === undefined || buckets === undefined) return;
    for (const [eventType, bucket] of buckets) {
      const routes = this.routesOf(eventType);
      routes.everyone[organization] = undefined;
      this.forEachEntityWithRow(organizationId, bucket, (entityId) =>
        this.unlink(routes, organization, entityId),
      );
    }
    this.subscriptions.delete(organizationId);
  }

  /**
   * Calls `visit` once for each entity that may have a row in this bucket: its own targets and its
   * groups' members. Groups are read in place (a group may have 100,000 members): an entity is skipped
   * where an earlier target or group of the bucket already had it.
   */
  private forEachEntityWithRow(
    organizationId: string,
    bucket: Bucket,
    visit: (entityId: string) => void,
  ): void {
    for (const entityId of bucket.byEntity.keys()) visit(entityId);
    const earlier: ReadonlySet<string>[] = [];
    for (const group of bucket.byGroup.keys()) {
      const members = this.memberships.membersOf(organizationId, group);
      for (const entityId of members) {
        if (bucket.byEntity.has(entityId) || earlier.some((seen) => seen.has(entityId))) continue;
        visit(entityId);
      }
      earlier.push(members);
    }
  }

  private routesOf(eventType: string): TypeRoutes {
    let routes = this.types.get(eventType);
    if (routes === undefined) {
      routes = { heads: dictionary(), everyone: [] };
      this.types.set(eventType, routes);
    }
    return routes;
  }

  /** Rewrites the entity's row for this bucket from the subscriptions and its current groups. */
  private refresh(
    routes: TypeRoutes,
    organizationId: string,
    organization: number,
    bucket: Bucket,
    entityId: string,
  ): void {
    this.unlink(routes, organization, entityId);
    this.link(routes, organization, entityId, this.receivers(organizationId, bucket, entityId));
  }

  /**
   * The entity's whole answer, or undefined when its organization's AllEntities list already is. The list
   * is one kept for this and reused by the next call: the caller copies it into a row at once.
   */
  private receivers(organizationId: string, bucket: Bucket, entityId: string): number[] | undefined {
    const ids = this.answer;
    ids.length = 0;
    for (const id of bucket.all) ids.push(id);
    addMissing(ids, bucket.byEntity.get(entityId));
    for (const group of this.memberships.groupsOf(organizationId, entityId)) {
      addMissing(ids, bucket.byGroup.get(group));
    }
    return ids.length > bucket.all.length ? ids : undefined;
  }

  private link(routes: TypeRoutes, organization: number, entityId: string, ids: number[] | undefined): void {
    if (ids === undefined) return;
    routes.heads[entityId] = this.rows.add(organization, routes.heads[entityId] ?? -1, ids);
  }

  /** Drops the entity's row of this organization from its chain, if it has one. */
  private unlink(routes: TypeRoutes, organization: number, entityId: string): void {
    const ints = this.rows.ints;
    let previous = -1;
    for (let at = routes.heads[entityId] ?? -1; at >= 0; previous = at, at = ints[at + NEXT] as number) {
      if (ints[at + ORGANIZATION] !== organization) continue;
      const next = ints[at + NEXT] as number;
      if (previous >= 0) ints[previous + NEXT] = next;
      else if (next >= 0) routes.heads[entityId] = next;
      else delete routes.heads[entityId];
      this.rows.release(at);
      return;
    }
  }
}
