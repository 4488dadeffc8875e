import type BetterSqlite3 from 'better-sqlite3';

/*
 * The shapes routing reads (routing/source.ts declares the port). They are spelled out here rather than
 * imported, so the store depends on nothing above it; the service hands this class to the router, and the
 * compiler checks there that the two agree.
 */
export interface WebhookTarget {
  id: number;
  webhookId: string;
  organizationId: string;
  endpoint: string;
  secret: string | null;
  insecureSsl: boolean;
  timeoutMs: number;
  retryScheduleSeconds: readonly number[] | null;
  enabled: boolean;
}
export interface RoutingSubscription {
  webhookId: number;
  organizationId: string;
  eventType: string;
  entityId: string | null;
  securityGroupId: string | null;
  allEntities: boolean;
}
export interface GroupMembership {
  organizationId: string;
  securityGroupId: string;
  entityId: string;
}
export interface Revised<K> {
  key: K;
  revision: number;
}

interface WebhookRow {
  id: number;
  webhook_id: string;
  organization_id: string;
  endpoint: string;
  secret: string | null;
  insecure_ssl: number;
  timeout_seconds: number;
  retry_schedule_seconds: string | null;
  enabled: number;
}

const toTarget = (row: WebhookRow): WebhookTarget => ({
  id: row.id,
  webhookId: row.webhook_id,
  organizationId: row.organization_id,
  endpoint: row.endpoint,
  secret: row.secret,
  insecureSsl: row.insecure_ssl === 1,
  timeoutMs: Math.round(row.timeout_seconds * 1000),
  retryScheduleSeconds: row.retry_schedule_seconds === null ? null : JSON.parse(row.retry_schedule_seconds),
  enabled: row.enabled === 1,
});

const WEBHOOK_COLUMNS =
  'id, webhook_id, organization_id, endpoint, secret, insecure_ssl, timeout_seconds, retry_schedule_seconds, enabled';
const SUBSCRIPTION_COLUMNS = `s.webhook_id AS webhookId, w.organization_id AS organizationId, s.event_type AS eventType,
  s.entity_id AS entityId, s.security_group_id AS securityGroupId, s.all_entities AS allEntities`;

type SubscriptionRow = Omit<RoutingSubscription, 'allEntities'> & { allEntities: number | boolean };
/** The row itself becomes the subscription: a copy of each of 100,000 rows would be garbage at once. */
const toSubscriptions = (rows: SubscriptionRow[]): RoutingSubscription[] => {
  for (const row of rows) row.allEntities = row.allEntities === 1;
  return rows as RoutingSubscription[];
};

function prepareAll(sqlite: BetterSqlite3.Database) {
  const prepare = (text: string) => sqlite.prepare(text);
  return {
    revision: prepare(`SELECT value FROM store_marks WHERE name = 'config_revision'`).pluck(),
    allWebhooks: prepare(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE deleted_at IS NULL`),
    orgWebhooks: prepare(
      `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE deleted_at IS NULL AND organization_id = ?`,
    ),
    allSubscriptions: prepare(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
          WHERE s.enabled = 1 AND w.deleted_at IS NULL`,
    ),
    orgSubscriptions: prepare(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
          WHERE s.enabled = 1 AND w.deleted_at IS NULL AND w.organization_id = ?`,
    ),
    // Rows as arrays: 100,000 members as objects cost several times their reading.
    memberships: prepare(
      'SELECT organization_id, security_group_id, entity_id FROM security_group_members',
    ).raw(),
    groups: prepare(`SELECT id AS key, revision FROM security_groups WHERE organization_id = ?`),
    groupMembers: prepare(
      'SELECT entity_id FROM security_group_members WHERE organization_id = ? AND security_group_id = ?',
    ).pluck(),
    groupSize: prepare(
      'SELECT count(*) FROM security_group_members WHERE organization_id = ? AND security_group_id = ?',
    ).pluck(),
    groupMembersAfter: prepare(
      `SELECT entity_id FROM security_group_members
        WHERE organization_id = ? AND security_group_id = ? AND entity_id > ? ORDER BY entity_id LIMIT ?`,
    ).pluck(),
    organizationsChanged: prepare('SELECT id AS key, revision FROM organizations WHERE revision > ?'),
    groupsChanged: prepare(
      `SELECT organization_id AS organizationId, id AS securityGroupId, revision FROM security_groups
          WHERE revision > ?`,
    ),
  };
}

/** Routing's reads of the configuration tables, on the connection it is given. */
export class SqliteRoutingSource {
  private readonly statements: ReturnType<typeof prepareAll>;
  private readonly inSnapshot: <T>(read: () => T) => T;

  constructor(sqlite: BetterSqlite3.Database) {
    this.statements = prepareAll(sqlite);
    this.inSnapshot = <T>(read: () => T): T => sqlite.transaction(read)() as T;
  }

  revision(): number {
    return (this.statements.revision.get() as number | undefined) ?? 0;
  }

  snapshot<T>(read: () => T): T {
    return this.inSnapshot(read);
  }

  webhooks(organizationId?: string): WebhookTarget[] {
    const rows = (
      organizationId === undefined
        ? this.statements.allWebhooks.all()
        : this.statements.orgWebhooks.all(organizationId)
    ) as WebhookRow[];
    return rows.map(toTarget);
  }

  /** One organization's as a list; everyone's read row by row as they are used (see RoutingSource). */
  subscriptions(organizationId?: string): Iterable<RoutingSubscription> {
    if (organizationId !== undefined)
      return toSubscriptions(this.statements.orgSubscriptions.all(organizationId) as SubscriptionRow[]);
    return this.eachSubscription();
  }

  private *eachSubscription(): Generator<RoutingSubscription> {
    for (const row of this.statements.allSubscriptions.iterate() as Iterable<SubscriptionRow>) {
      row.allEntities = row.allEntities === 1;
      yield row as RoutingSubscription;
    }
  }

  /** Read row by row as they are used: 100,000 members are not held as rows and objects at once. */
  *memberships(): Generator<GroupMembership> {
    for (const [
      organizationId,
      securityGroupId,
      entityId,
    ] of this.statements.memberships.iterate() as Iterable<[string, string, string]>) {
      yield { organizationId, securityGroupId, entityId };
    }
  }

  groups(organizationId: string): Revised<string>[] {
    return this.statements.groups.all(organizationId) as Revised<string>[];
  }

  groupMembers(organizationId: string, securityGroupId: string): string[] {
    return this.statements.groupMembers.all(organizationId, securityGroupId) as string[];
  }

  groupSize(organizationId: string, securityGroupId: string): number {
    return this.statements.groupSize.get(organizationId, securityGroupId) as number;
  }

  groupMembersAfter(organizationId: string, securityGroupId: string, after: string, limit: number): string[] {
    return this.statements.groupMembersAfter.all(organizationId, securityGroupId, after, limit) as string[];
  }

  organizationsChangedSince(revision: number): Revised<string>[] {
    return this.statements.organizationsChanged.all(revision) as Revised<string>[];
  }

  groupsChangedSince(revision: number): Revised<{ organizationId: string; securityGroupId: string }>[] {
    return (
      this.statements.groupsChanged.all(revision) as {
        organizationId: string;
        securityGroupId: string;
        revision: number;
      }[]
    ).map(({ revision: r, ...key }) => ({ key, revision: r }));
  }
}
