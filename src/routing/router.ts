import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { matchWebhooks } from '../matcher/match.js';
import { RoutingIndex } from '../matcher/routing-index.js';
import type { GroupMembership, MatchKey } from '../matcher/types.js';
import type { RoutingSource } from './source.js';
import { sameTarget, type WebhookTarget } from './webhook-target.js';

export type { WebhookTarget } from './webhook-target.js';

/** Entities a routing step handles at most before it yields to the event loop. */
const GROUP_STEP = 2_000;

/**
 * The routing view of the configuration: the matcher's index plus the webhook targets, built from the
 * store at start and then kept up to date change by change. Every configuration change stamps what it
 * touched with a revision (store/config/revision.ts); `refresh` reloads only the organizations and groups
 * stamped after the revision the routing has, whichever process wrote them.
 */
export class Router {
  private routes: RoutingIndex;
  private webhooks = new Map<number, WebhookTarget>();
  /** organization -> its webhooks' row ids, so a refresh can tell which went away. */
  private readonly webhooksOf = new Map<string, Set<number>>();
  /** organization -> group -> the revision its members in the index come from. */
  private readonly groupRevisions = new Map<string, Map<string, number>>();
  private revision: number;
  /**
   * `<organization> <group>` of group changes this process has sent to the store and not yet applied
   * here (see holdGroup), with the latest revision a refresh found for them meanwhile.
   */
  private readonly heldGroups = new Map<string, { count: number; found: number }>();

  constructor(private readonly source: RoutingSource) {
    let revision = 0;
    // Built inside the snapshot, from rows read as they are used: 100,000 subscriptions and as many
    // members held all at once would be copied by every collection until the build ends.
    this.routes = source.snapshot(() => {
      revision = source.revision();
      for (const target of source.webhooks()) this.addTarget(target);
      return new RoutingIndex(source.subscriptions(), this.withGroupsNoted(source.memberships()));
    });
    this.revision = revision;
  }

  /** Passes the memberships on, noting each group (its members in the index are from the start). */
  private *withGroupsNoted(memberships: Iterable<GroupMembership>): Generator<GroupMembership> {
    let last: GroupMembership | undefined;
    for (const m of memberships) {
      // A group's members come one after the other: one note per group, not per member.
      if (m.organizationId !== last?.organizationId || m.securityGroupId !== last.securityGroupId)
        this.groupsOf(m.organizationId).set(m.securityGroupId, 0);
      last = m;
      yield m;
    }
  }

  /** Keys are compared lower-cased, as the store keeps Guids. */
  match(key: MatchKey): readonly number[] {
    return matchWebhooks(this.routes, key);
  }

  webhook(id: number): WebhookTarget | undefined {
    return this.webhooks.get(id);
  }

  webhookIds(): number[] {
    return [...this.webhooks.keys()];
  }

  /** The configuration revision the routing reflects. */
  get currentRevision(): number {
    return this.revision;
  }

  /**
   * Catches up with every change committed since the routing's revision: re-reads the organizations and
   * groups stamped later, and returns the row ids of webhooks added, changed or removed (for the engine).
   * Cheap when nothing changed: one read of the revision.
   */
  refresh(): number[] {
    const since = this.revision;
    const latest = this.source.revision();
    if (latest === since) return [];
    return this.source.snapshot(() => {
      const changed: number[] = [];
      for (const { key } of this.source.organizationsChangedSince(since))
        changed.push(...this.refreshOrganization(key));
      for (const { key, revision } of this.source.groupsChangedSince(since)) {
        this.setGroup(key.organizationId, key.securityGroupId, revision);
      }
      this.revision = Math.max(this.revision, this.source.revision());
      return changed;
    });
  }

  /**
   * A producer's group PUT, applied by this process: the index follows in steps that yield to the event
   * loop (a group may have 100,000 members), and the revision the change took is remembered so that the
   * next refresh does not read the members back. Callers run one at a time (Configuration queues them).
   */
  async replaceGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
    revision: number,
  ): Promise<void> {
    this.groupsOf(organizationId).set(securityGroupId, revision);
    const release = this.holdGroup(organizationId, securityGroupId);
    try {
      for (const _ of this.routes.replaceGroupInSteps(
        organizationId,
        securityGroupId,
        entityIds,
        GROUP_STEP,
      )) {
        await nextLoopTurn();
      }
    } finally {
      release();
    }
  }

  /**
   * Keeps refreshes off one group until the returned function is called: from the moment this process
   * sends a change of the group to the store until it has applied it here, a refresh would otherwise find
   * the change committed and apply it a second time, all at once (a 100,000-member group in one turn of
   * the loop). Everything else a refresh finds meanwhile is applied as usual; a later change of the same
   * group by another process is applied at the release.
   */
  holdGroup(organizationId: string, securityGroupId: string): () => void {
    const key = `${organizationId} ${securityGroupId}`;
    const hold = this.heldGroups.get(key) ?? { count: 0, found: -1 };
    hold.count++;
    this.heldGroups.set(key, hold);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      if (--hold.count > 0) return;
      this.heldGroups.delete(key);
      if (hold.found >= 0) this.setGroup(organizationId, securityGroupId, hold.found);
    };
  }

  private refreshOrganization(organizationId: string): number[] {
    const changed: number[] = [];
    const before = this.webhooksOf.get(organizationId) ?? new Set<number>();
    this.webhooksOf.delete(organizationId);
    for (const target of this.source.webhooks(organizationId)) {
      const old = this.webhooks.get(target.id);
      if (old === undefined || !sameTarget(old, target)) changed.push(target.id);
      this.addTarget(target);
    }
    const now = this.webhooksOf.get(organizationId);
    for (const id of before) {
      if (now?.has(id)) continue;
      this.webhooks.delete(id);
      changed.push(id);
    }
    // Groups the organization no longer has lose their members; changed ones are read by refresh().
    const known = this.groupsOf(organizationId);
    const groups = new Set(this.source.groups(organizationId).map((g) => g.key));
    for (const group of [...known.keys()]) {
      if (groups.has(group)) continue;
      this.routes.removeGroup(organizationId, group);
      known.delete(group);
    }
    this.routes.replaceOrganization(organizationId, this.source.subscriptions(organizationId));
    return changed;
  }

  private setGroup(organizationId: string, securityGroupId: string, revision: number): void {
    const hold = this.heldGroups.get(`${organizationId} ${securityGroupId}`);
    if (hold !== undefined) {
      hold.found = Math.max(hold.found, revision);
      return;
    }
    const known = this.groupsOf(organizationId);
    if ((known.get(securityGroupId) ?? -1) >= revision) return;
    known.set(securityGroupId, revision);
    if (this.source.groupSize(organizationId, securityGroupId) <= GROUP_STEP) {
      this.routes.replaceGroup(
        organizationId,
        securityGroupId,
        this.source.groupMembers(organizationId, securityGroupId),
      );
      return;
    }
    // A large group (a document's own list of 100,000) is read and applied in steps: until it is done,
    // its members match as before the change, and refreshes leave it alone (a later change of it is
    // applied at the end).
    const release = this.holdGroup(organizationId, securityGroupId);
    this.readAndApplyInSteps(organizationId, securityGroupId)
      .then(release)
      .catch(() => {
        // The store could not be read: forget this revision of the group, and take the routing's
        // revision back before it, so that the next refresh reads the group (and whatever else changed
        // since) again. The release is idempotent.
        known.delete(securityGroupId);
        this.revision = Math.min(this.revision, revision - 1);
        release();
      });
  }

  private async readAndApplyInSteps(organizationId: string, securityGroupId: string): Promise<void> {
    const members: string[] = [];
    for (let page = ['']; page.length > 0; ) {
      page = this.source.groupMembersAfter(
        organizationId,
        securityGroupId,
        page.at(-1) as string,
        GROUP_STEP,
      );
      members.push(...page);
      await nextLoopTurn();
    }
    for (const _ of this.routes.replaceGroupInSteps(organizationId, securityGroupId, members, GROUP_STEP)) {
      await nextLoopTurn();
    }
  }

  private groupsOf(organizationId: string): Map<string, number> {
    let groups = this.groupRevisions.get(organizationId);
    if (groups === undefined) {
      groups = new Map();
      this.groupRevisions.set(organizationId, groups);
    }
    return groups;
  }

  private addTarget(target: WebhookTarget): void {
    this.webhooks.set(target.id, target);
    let ids = this.webhooksOf.get(target.organizationId);
    if (ids === undefined) {
      ids = new Set();
      this.webhooksOf.set(target.organizationId, ids);
    }
    ids.add(target.id);
  }
}
