import type { GroupMembership, RoutingSubscription } from '../matcher/types.js';
import type { WebhookTarget } from './webhook-target.js';

/** A revision stamp of one organization or one group: what changed since the routing was built. */
export interface Revised<K> {
  key: K;
  revision: number;
}

/** What routing reads of the stored configuration (store/routing-source.ts implements it). */
export interface RoutingSource {
  /** The last configuration revision committed. */
  revision(): number;
  /** Runs `read` on one consistent snapshot of the store. */
  snapshot<T>(read: () => T): T;
  /** Live (not deleted) webhooks, of every organization or of one. */
  webhooks(organizationId?: string): WebhookTarget[];
  /**
   * Enabled subscriptions of live webhooks, disabled webhooks included (they keep matching, paused). May
   * be read lazily: it is consumed inside the same snapshot, at once.
   */
  subscriptions(organizationId?: string): Iterable<RoutingSubscription>;
  /** Every group's members, one group's after the other; may be read lazily, as subscriptions. */
  memberships(): Iterable<GroupMembership>;
  /** Every group of the organization with its revision. */
  groups(organizationId: string): Revised<string>[];
  groupMembers(organizationId: string, securityGroupId: string): string[];
  groupSize(organizationId: string, securityGroupId: string): number;
  /** Up to `limit` members after `after`, in order: a large group is read a page at a time. */
  groupMembersAfter(organizationId: string, securityGroupId: string, after: string, limit: number): string[];
  /** Organizations whose configuration changed after `revision`. */
  organizationsChangedSince(revision: number): Revised<string>[];
  /** Groups whose members changed after `revision`, as `{organizationId, securityGroupId}`. */
  groupsChangedSince(revision: number): Revised<{ organizationId: string; securityGroupId: string }>[];
}
