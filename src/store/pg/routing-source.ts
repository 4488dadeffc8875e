import type pg from 'pg';

import type { GroupMembership, Revised, RoutingSubscription, WebhookTarget } from '../routing-source.js';

/** One consistent reading of the configuration tables. */
interface Mirror {
  revision: number;
  webhooks: WebhookTarget[];
  subscriptions: RoutingSubscription[];
  /** By `<organizationId> <securityGroupId>`: the group's revision and its members, sorted. */
  groups: Map<string, { organizationId: string; id: string; revision: number; members: string[] }>;
  organizations: Revised<string>[];
}

const EMPTY: Mirror = { revision: -1, webhooks: [], subscriptions: [], groups: new Map(), organizations: [] };

/**
 * Routing's reads of the configuration on PostgreSQL. The router reads synchronously (it routes every
 * event on the event loop), so this source keeps an in-memory copy of the configuration tables, read in
 * one REPEATABLE READ snapshot, and answers from it; `load()` brings the copy up to the stored revision
 * (the gateway calls it when NOTIFY or its poll says the revision moved, then lets the router catch up).
 */
export class PgRoutingSource {
  private mirror: Mirror = EMPTY;

  constructor(private readonly pool: pg.Pool) {}

  /** The stored revision, read now. */
  async storedRevision(): Promise<number> {
    const row = await this.pool.query<{ value: number }>(
      `SELECT value FROM store_marks WHERE name = 'config_revision'`,
    );
    return row.rows[0]?.value ?? 0;
  }

  /** Reads the configuration again when the stored revision is past the copy's; true when it did. */
  async load(): Promise<boolean> {
    if ((await this.storedRevision()) === this.mirror.revision) return false;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const revision = await client.query<{ value: number }>(
        `SELECT value FROM store_marks WHERE name = 'config_revision'`,
      );
      const webhooks = await client.query<{
        id: number;
        webhook_id: string;
        organization_id: string;
        endpoint: string;
        secret: string | null;
        insecure_ssl: boolean;
        timeout_seconds: number;
        retry_schedule_seconds: string | null;
        enabled: boolean;
      }>(
        `SELECT id, webhook_id, organization_id, endpoint, secret, insecure_ssl, timeout_seconds,
                retry_schedule_seconds, enabled FROM webhooks WHERE deleted_at IS NULL`,
      );
      const subscriptions = await client.query<RoutingSubscription>(
        `SELECT s.webhook_id AS "webhookId", w.organization_id AS "organizationId", s.event_type AS "eventType",
                s.entity_id AS "entityId", s.security_group_id AS "securityGroupId", s.all_entities AS "allEntities"
           FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
          WHERE s.enabled AND w.deleted_at IS NULL`,
      );
      const groups = await client.query<{ organization_id: string; id: string; revision: number }>(
        'SELECT organization_id, id, revision FROM security_groups',
      );
      const members = await client.query<{ o: string; g: string; e: string }>(
        `SELECT organization_id AS o, security_group_id AS g, entity_id AS e FROM security_group_members
          ORDER BY organization_id, security_group_id, entity_id COLLATE "C"`,
      );
      const organizations = await client.query<Revised<string>>(
        'SELECT id AS key, revision FROM organizations',
      );
      await client.query('COMMIT');
      const byGroup: Mirror['groups'] = new Map(
        groups.rows.map((g) => [
          `${g.organization_id} ${g.id}`,
          { organizationId: g.organization_id, id: g.id, revision: g.revision, members: [] },
        ]),
      );
      for (const m of members.rows) byGroup.get(`${m.o} ${m.g}`)?.members.push(m.e);
      this.mirror = {
        revision: revision.rows[0]?.value ?? 0,
        webhooks: webhooks.rows.map((row) => ({
          id: row.id,
          webhookId: row.webhook_id,
          organizationId: row.organization_id,
          endpoint: row.endpoint,
          secret: row.secret,
          insecureSsl: row.insecure_ssl,
          timeoutMs: Math.round(row.timeout_seconds * 1000),
          retryScheduleSeconds:
            row.retry_schedule_seconds === null ? null : JSON.parse(row.retry_schedule_seconds),
          enabled: row.enabled,
        })),
        subscriptions: subscriptions.rows,
        groups: byGroup,
        organizations: organizations.rows,
      };
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  revision(): number {
    return Math.max(this.mirror.revision, 0);
  }

  /** The copy is one snapshot already. */
  snapshot<T>(read: () => T): T {
    return read();
  }

  webhooks(organizationId?: string): WebhookTarget[] {
    return this.mirror.webhooks.filter(
      (w) => organizationId === undefined || w.organizationId === organizationId,
    );
  }

  subscriptions(organizationId?: string): RoutingSubscription[] {
    return this.mirror.subscriptions.filter(
      (s) => organizationId === undefined || s.organizationId === organizationId,
    );
  }

  memberships(): GroupMembership[] {
    return [...this.mirror.groups.values()].flatMap((g) =>
      g.members.map((entityId) => ({ organizationId: g.organizationId, securityGroupId: g.id, entityId })),
    );
  }

  groups(organizationId: string): Revised<string>[] {
    return [...this.mirror.groups.values()]
      .filter((g) => g.organizationId === organizationId)
      .map((g) => ({ key: g.id, revision: g.revision }));
  }

  groupMembers(organizationId: string, securityGroupId: string): string[] {
    return [...(this.mirror.groups.get(`${organizationId} ${securityGroupId}`)?.members ?? [])];
  }

  groupSize(organizationId: string, securityGroupId: string): number {
    return this.mirror.groups.get(`${organizationId} ${securityGroupId}`)?.members.length ?? 0;
  }

  groupMembersAfter(organizationId: string, securityGroupId: string, after: string, limit: number): string[] {
    const members = this.mirror.groups.get(`${organizationId} ${securityGroupId}`)?.members ?? [];
    return members.filter((m) => m > after).slice(0, limit);
  }

  organizationsChangedSince(revision: number): Revised<string>[] {
    return this.mirror.organizations.filter((o) => o.revision > revision);
  }

  groupsChangedSince(revision: number): Revised<{ organizationId: string; securityGroupId: string }>[] {
    return [...this.mirror.groups.values()]
      .filter((g) => g.revision > revision)
      .map((g) => ({
        key: { organizationId: g.organizationId, securityGroupId: g.id },
        revision: g.revision,
      }));
  }
}
