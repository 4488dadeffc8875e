import { and, type Column, eq, inArray } from 'drizzle-orm';
import type { GatewayDatabase } from '../database.js';
import { organizations, securityGroupMembers, securityGroups } from '../schema/index.js';
import {
  byString,
  type StoredOrgState,
  type StoredSecurityGroupState,
  subscriptionSet,
  type WebhookState,
} from './state.js';

export interface ReadStateOptions {
  /**
   * Which groups' members to read (all by default). Members producers maintain are never compared with a
   * document, and a producer group may have 100,000 of them: a plan reads only those it needs. A group
   * left out has members null.
   */
  membersOf?: (organizationId: string, securityGroupId: string, membersFromDocument: boolean) => boolean;
  /** Only this webhook (its WebhookId, lower case) of the organizations: an answer about one webhook. */
  webhookId?: string;
}

/**
 * The stored configuration of the given organizations (all when omitted), in normalised form. Deleted
 * webhooks are history, not configuration: they are left out.
 */
export function readState(
  g: GatewayDatabase,
  organizationIds?: readonly string[],
  options: ReadStateOptions = {},
): StoredOrgState[] {
  const ids = organizationIds?.map((id) => id.toLowerCase());
  if (ids !== undefined && ids.length === 0) return [];
  const { db } = g;
  const only = (column: Column) => (ids === undefined ? undefined : inArray(column, ids));

  const orgRows = db.select().from(organizations).where(only(organizations.id)).all();
  const groupRows = db.select().from(securityGroups).where(only(securityGroups.organizationId)).all();
  const wanted = options.membersOf;
  // The groups whose members are read: all, or those the caller asks for.
  const readGroups =
    wanted === undefined
      ? groupRows
      : groupRows.filter((group) => wanted(group.organizationId, group.id, group.membersFromDocument));
  const memberRows =
    wanted === undefined
      ? db.select().from(securityGroupMembers).where(only(securityGroupMembers.organizationId)).all()
      : readGroups.flatMap((group) =>
          db
            .select()
            .from(securityGroupMembers)
            .where(
              and(
                eq(securityGroupMembers.organizationId, group.organizationId),
                eq(securityGroupMembers.securityGroupId, group.id),
              ),
            )
            .all(),
        );
  const membersRead = new Set(readGroups.map((group) => `${group.organizationId} ${group.id}`));
  // The two big reads (an organization may have 100,000 subscriptions) are plain statements: mapping
  // their rows through the query builder cost more than the queries themselves.
  const params = [...(ids ?? []), ...(options.webhookId === undefined ? [] : [options.webhookId])];
  const inOrgs =
    (ids === undefined ? '' : `AND w.organization_id IN (${ids.map(() => '?').join(', ')})`) +
    (options.webhookId === undefined ? '' : ' AND w.webhook_id = ?');
  const webhookRows = g.sqlite
    .prepare(
      `SELECT w.id, w.organization_id AS organizationId, w.webhook_id AS webhookId, w.endpoint, w.description,
              w.secret, w.insecure_ssl AS insecureSsl, w.timeout_seconds AS timeoutSeconds, w.enabled,
              w.retry_schedule_seconds AS retryScheduleSeconds
         FROM webhooks w WHERE w.deleted_at IS NULL ${inOrgs}`,
    )
    .all(...params) as WebhookRow[];
  const subscriptionRows = g.sqlite
    .prepare(
      `SELECT s.webhook_id AS webhookId, s.event_type AS eventType, s.entity_id AS entityId,
              s.security_group_id AS securityGroupId, s.all_entities AS allEntities, s.enabled
         FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
        WHERE w.deleted_at IS NULL ${inOrgs}`,
    )
    .all(...params) as SubscriptionRow[];

  const members = groupBy(memberRows, (m) => `${m.organizationId} ${m.securityGroupId}`);
  const groups = groupBy(groupRows, (row) => row.organizationId);
  const subscriptionsOf = groupBy(subscriptionRows, (s) => String(s.webhookId));
  const webhooksOf = groupBy(webhookRows, (w) => w.organizationId);

  return orgRows
    .map(
      (org): StoredOrgState => ({
        organizationId: org.id,
        securityGroups: (groups.get(org.id) ?? [])
          .map(
            (row): StoredSecurityGroupState => ({
              id: row.id,
              source: row.source,
              membersFromDocument: row.membersFromDocument,
              members: membersRead.has(`${org.id} ${row.id}`)
                ? (members.get(`${org.id} ${row.id}`) ?? []).map((m) => m.entityId).sort()
                : null,
            }),
          )
          .sort(byString((group) => group.id)),
        webhooks: (webhooksOf.get(org.id) ?? [])
          .map(
            (row): WebhookState => ({
              webhookId: row.webhookId,
              endpoint: row.endpoint,
              description: row.description,
              secret: row.secret,
              insecureSsl: row.insecureSsl !== 0,
              timeoutSeconds: row.timeoutSeconds,
              enabled: row.enabled !== 0,
              retryScheduleSeconds:
                row.retryScheduleSeconds === null ? null : (JSON.parse(row.retryScheduleSeconds) as number[]),
              subscriptions: subscriptionSet(
                (subscriptionsOf.get(String(row.id)) ?? []).map((s) => ({
                  eventType: s.eventType,
                  entityId: s.entityId,
                  securityGroupId: s.securityGroupId,
                  allEntities: s.allEntities !== 0,
                  enabled: s.enabled !== 0,
                })),
              ),
            }),
          )
          .sort(byString((w) => w.endpoint)),
      }),
    )
    .sort(byString((o) => o.organizationId));
}

interface WebhookRow {
  id: number;
  organizationId: string;
  webhookId: string;
  endpoint: string;
  description: string | null;
  secret: string | null;
  insecureSsl: number;
  timeoutSeconds: number;
  enabled: number;
  retryScheduleSeconds: string | null;
}

interface SubscriptionRow {
  webhookId: number;
  eventType: string;
  entityId: string | null;
  securityGroupId: string | null;
  allEntities: number;
  enabled: number;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}
