import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.js';
import type { GroupMembership, RoutingSubscription } from '../matcher/types.js';
import { Router } from './router.js';
import type { Revised, RoutingSource } from './source.js';
import type { WebhookTarget } from './webhook-target.js';

const ORG = 'o-1';
const GROUP = 'g-1';

/** A store in memory: the test edits it and stamps revisions as a configuration change would. */
class MemorySource implements RoutingSource {
  current = 0;
  members: string[] = [];
  groupRevision = 0;
  reads = 0;
  readonly subs: RoutingSubscription[] = [
    {
      webhookId: 1,
      organizationId: ORG,
      eventType: 'UserStatus',
      entityId: null,
      securityGroupId: GROUP,
      allEntities: false,
    },
  ];
  readonly target: WebhookTarget = {
    id: 1,
    webhookId: 'w-1',
    organizationId: ORG,
    endpoint: 'https://x.example/',
    secret: null,
    insecureSsl: false,
    timeoutMs: 5000,
    retryScheduleSeconds: null,
    enabled: true,
  };
  revision(): number {
    return this.current;
  }
  snapshot<T>(read: () => T): T {
    return read();
  }
  webhooks(): WebhookTarget[] {
    return [this.target];
  }
  subscriptions(): Iterable<RoutingSubscription> {
    return this.subs;
  }
  memberships(): Iterable<GroupMembership> {
    return this.members.map((entityId) => ({ organizationId: ORG, securityGroupId: GROUP, entityId }));
  }
  groups(): Revised<string>[] {
    return [{ key: GROUP, revision: this.groupRevision }];
  }
  groupMembers(): string[] {
    this.reads++;
    return this.members;
  }
  groupSize(): number {
    return this.members.length;
  }
  groupMembersAfter(_o: string, _g: string, after: string, limit: number): string[] {
    this.reads++;
    return [...this.members]
      .sort()
      .filter((m) => m > after)
      .slice(0, limit);
  }
  organizationsChangedSince(_revision: number): Revised<string>[] {
    return [];
  }
  groupsChangedSince(revision: number) {
    return this.groupRevision > revision
      ? [{ key: { organizationId: ORG, securityGroupId: GROUP }, revision: this.groupRevision }]
      : [];
  }
}

const matches = (router: Router, entityId: string) =>
  router.match({ organizationId: ORG, eventType: 'UserStatus', entityId }).length;

describe('Router', () => {
  it('builds from rows read inside one snapshot, and knows the groups it started with', () => {
    /** Rows readable only inside the snapshot, as a lazily read store's are. */
    class LazySource extends MemorySource {
      inside = false;
      override snapshot<T>(read: () => T): T {
        this.inside = true;
        try {
          return read();
        } finally {
          this.inside = false;
        }
      }
      private *whileInside<T>(rows: readonly T[]): Generator<T> {
        for (const row of rows) {
          if (!this.inside) throw new Error('read outside the snapshot');
          yield row;
        }
      }
      override subscriptions(): Iterable<RoutingSubscription> {
        return this.whileInside(this.subs);
      }
      override memberships(): Iterable<GroupMembership> {
        return this.whileInside([...super.memberships()]);
      }
      dropped = false;
      override groups(): Revised<string>[] {
        return this.dropped ? [] : super.groups();
      }
      override organizationsChangedSince(revision: number): Revised<string>[] {
        return this.current > revision ? [{ key: ORG, revision: this.current }] : [];
      }
    }
    const source = new LazySource();
    source.members = ['e-1', 'e-2'];
    const router = new Router(source);
    expect(router.match({ organizationId: ORG, eventType: 'UserStatus', entityId: 'e-2' })).toEqual([1]);
    // The group is known from the start: when its organization no longer has it, its members go.
    source.dropped = true;
    source.current = 1;
    router.refresh();
    expect(router.match({ organizationId: ORG, eventType: 'UserStatus', entityId: 'e-2' })).toEqual([]);
  });

  it("reads a group another process changed, once its revision is past the routing's", () => {
    const source = new MemorySource();
    const router = new Router(source);
    source.members = ['e-1'];
    source.current = source.groupRevision = 1;
    router.refresh();
    expect(matches(router, 'e-1')).toBe(1);
    router.refresh();
    expect(source.reads).toBe(1);
  });

  it('keeps refreshes off a group while this process applies its own change of it, then catches up', async () => {
    const source = new MemorySource();
    const router = new Router(source);
    const release = router.holdGroup(ORG, GROUP);
    // The change is committed (stamped) before this process has applied it: a refresh must not read it.
    source.members = ['e-1'];
    source.current = source.groupRevision = 1;
    router.refresh();
    expect(source.reads).toBe(0);
    await router.replaceGroupMembers(ORG, GROUP, ['e-1'], 1);
    release();
    router.refresh();
    expect(source.reads).toBe(0); // its own revision is known: nothing to read back
    expect(matches(router, 'e-1')).toBe(1);
    expect(router.currentRevision).toBe(1);
  });

  it('applies at the release a later change of the held group that another process made meanwhile', async () => {
    const source = new MemorySource();
    const router = new Router(source);
    const release = router.holdGroup(ORG, GROUP);
    source.members = ['e-1'];
    source.current = source.groupRevision = 1; // this process's change
    await router.replaceGroupMembers(ORG, GROUP, ['e-1'], 1);
    source.members = ['e-2'];
    source.current = source.groupRevision = 2; // another process's, while the hold lasts
    router.refresh();
    expect(matches(router, 'e-2')).toBe(0);
    release();
    expect(matches(router, 'e-2')).toBe(1);
    expect(matches(router, 'e-1')).toBe(0);
  });

  it('reads and applies a large group another process changed in steps, the event loop going on between', async () => {
    const source = new MemorySource();
    const router = new Router(source);
    source.members = Array.from({ length: 6_000 }, (_, i) => `e-${String(i).padStart(5, '0')}`);
    source.current = source.groupRevision = 1;
    router.refresh();
    expect(matches(router, 'e-05999')).toBe(0); // not yet: it goes in steps
    await waitFor(() => matches(router, 'e-05999') === 1 && matches(router, 'e-00000') === 1, 'all applied');
    expect(source.reads).toBeGreaterThan(1); // a page at a time
  });

  it('reads a large group again at the next refresh when the store failed while it was read in steps', async () => {
    const source = new MemorySource();
    const router = new Router(source);
    source.members = Array.from({ length: 6_000 }, (_, i) => `e-${String(i).padStart(5, '0')}`);
    source.current = source.groupRevision = 1;
    const read = source.groupMembersAfter.bind(source);
    let failing = true;
    source.groupMembersAfter = (o, g, after, limit) => {
      if (failing && after !== '') throw new Error('disk I/O error');
      return read(o, g, after, limit);
    };
    router.refresh();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(matches(router, 'e-00000')).toBe(0);
    failing = false;
    router.refresh();
    await waitFor(() => matches(router, 'e-05999') === 1, 'applied once the store reads again');
  });
});
