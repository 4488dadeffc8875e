import type BetterSqlite3 from 'better-sqlite3';
import { matchWebhooks } from '../matcher/match.js';
import { RoutingIndex } from '../matcher/routing-index.js';
import type { GroupMembership, MatchKey, RoutingSubscription } from '../matcher/types.js';

/** What the delivery engine needs to reach a webhook, kept in memory so a send never reads config rows. */
export interface WebhookTarget {
  id: number;
  organizationId: string;
  endpoint: string;
  secret: string | null;
  insecureSsl: boolean;
  timeoutMs: number;
  retryScheduleSeconds: readonly number[] | null;
  enabled: boolean;
}

interface WebhookRow {
  id: number;
  organization_id: string;
  endpoint: string;
  secret: string | null;
  insecure_ssl: number;
  timeout_seconds: number;
  retry_schedule_seconds: string | null;
  enabled: number;
}

/**
 * The routing view of the configuration: the matcher's index plus the webhook targets. Rebuilt whole
 * from the store when the configuration document is applied; group membership is updated in place.
 */
export class Router {
  private routes = new RoutingIndex([]);
  private webhooks = new Map<number, WebhookTarget>();

  constructor(private readonly sqlite: BetterSqlite3.Database) {
    this.reload();
  }

  reload(): void {
    const webhookRows = this.sqlite
      .prepare(
        'SELECT id, organization_id, endpoint, secret, insecure_ssl, timeout_seconds, retry_schedule_seconds, enabled FROM webhooks',
      )
      .all() as WebhookRow[];
    const webhooks = new Map<number, WebhookTarget>();
    for (const row of webhookRows) {
      webhooks.set(row.id, {
        id: row.id,
        organizationId: row.organization_id,
        endpoint: row.endpoint,
        secret: row.secret,
        insecureSsl: row.insecure_ssl === 1,
        timeoutMs: Math.round(row.timeout_seconds * 1000),
        retryScheduleSeconds:
          row.retry_schedule_seconds === null ? null : JSON.parse(row.retry_schedule_seconds),
        enabled: row.enabled === 1,
      });
    }
    const subscriptionRows = this.sqlite
      .prepare(
        `SELECT s.webhook_id AS webhookId, w.organization_id AS organizationId, s.event_type AS eventType,
                s.entity_id AS entityId, s.security_group_id AS securityGroupId, s.all_entities AS allEntities
           FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
          WHERE s.enabled = 1 AND w.enabled = 1`,
      )
      .all() as (Omit<RoutingSubscription, 'allEntities'> & { allEntities: number })[];
    const members = this.sqlite
      .prepare(
        `SELECT organization_id AS organizationId, security_group_id AS securityGroupId, entity_id AS entityId
           FROM security_group_members`,
      )
      .all() as GroupMembership[];
    this.routes = new RoutingIndex(
      subscriptionRows.map((s) => ({ ...s, allEntities: s.allEntities === 1 })),
      members,
    );
    this.webhooks = webhooks;
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

  replaceGroupMembers(organizationId: string, securityGroupId: string, entityIds: readonly string[]): void {
    this.routes.replaceGroup(organizationId, securityGroupId, entityIds);
  }
}
