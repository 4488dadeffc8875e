import type pg from 'pg';
import type { ReadStateOptions } from '../../config/read-state.js';
import {
  byString,
  type StoredOrgState,
  type StoredSecurityGroupState,
  subscriptionSet,
  type WebhookState,
} from '../../config/state.js';
import { inTransaction, SNAPSHOT } from '../sql.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

interface GroupRow {
  organization_id: string;
  id: string;
  source: 'config' | 'producer';
  members_from_document: boolean;
}
interface WebhookRow {
  id: number;
  webhook_id: string;
  organization_id: string;
  endpoint: string;
  description: string | null;
  secret: string | null;
  insecure_ssl: boolean;
  timeout_seconds: number;
  enabled: boolean;
  retry_schedule_seconds: string | null;
}
interface SubscriptionRow {
  webhook_id: number;
  event_type: string;
  entity_id: string | null;
  security_group_id: string | null;
  all_entities: boolean;
  enabled: boolean;
}

/**
 * The stored configuration of the given organizations, in the normalised form plans compare with a
 * document (the PostgreSQL reading of store/config/read-state.ts): the given organizations, or all
 * (undefined), only one webhook with `webhookId`. Deleted webhooks are left out.
 */
export async function readStatePg(
  client: Queryable,
  organizationIds: readonly string[] | undefined,
  options: ReadStateOptions = {},
): Promise<StoredOrgState[]> {
  // Every organization when none are named ($1 NULL), as SQLite's readState.
  const ids = organizationIds?.map((id) => id.toLowerCase()) ?? null;
  if (ids !== null && ids.length === 0) return [];
  const orgs = await client.query<{ id: string }>(
    'SELECT id FROM organizations WHERE $1::text[] IS NULL OR id = ANY($1)',
    [ids],
  );
  const groups = await client.query<GroupRow>(
    `SELECT organization_id, id, source, members_from_document FROM security_groups
      WHERE $1::text[] IS NULL OR organization_id = ANY($1)`,
    [ids],
  );
  const wanted = options.membersOf ?? (() => true);
  const readGroups = groups.rows.filter((g) => wanted(g.organization_id, g.id, g.members_from_document));
  const members = new Map<string, string[]>(readGroups.map((g) => [`${g.organization_id} ${g.id}`, []]));
  if (readGroups.length > 0) {
    const rows = await client.query<{
      organization_id: string;
      security_group_id: string;
      entity_id: string;
    }>(
      `SELECT m.organization_id, m.security_group_id, m.entity_id FROM security_group_members m
         JOIN unnest($1::text[], $2::text[]) AS g(org, id) ON m.organization_id = g.org AND m.security_group_id = g.id`,
      [readGroups.map((g) => g.organization_id), readGroups.map((g) => g.id)],
    );
    for (const m of rows.rows) members.get(`${m.organization_id} ${m.security_group_id}`)?.push(m.entity_id);
  }
  const webhooks = await client.query<WebhookRow>(
    `SELECT id, webhook_id, organization_id, endpoint, description, secret, insecure_ssl, timeout_seconds,
            enabled, retry_schedule_seconds
       FROM webhooks WHERE ($1::text[] IS NULL OR organization_id = ANY($1)) AND deleted_at IS NULL
        AND ($2::text IS NULL OR webhook_id = $2)`,
    [ids, options.webhookId ?? null],
  );
  const subscriptions = await client.query<SubscriptionRow>(
    `SELECT s.webhook_id, s.event_type, s.entity_id, s.security_group_id, s.all_entities, s.enabled
       FROM subscriptions s JOIN webhooks w ON w.id = s.webhook_id
      WHERE ($1::text[] IS NULL OR w.organization_id = ANY($1)) AND w.deleted_at IS NULL
        AND ($2::text IS NULL OR w.webhook_id = $2)`,
    [ids, options.webhookId ?? null],
  );
  const subscriptionsOf = new Map<number, SubscriptionRow[]>();
  for (const s of subscriptions.rows)
    subscriptionsOf.set(s.webhook_id, [...(subscriptionsOf.get(s.webhook_id) ?? []), s]);

  return orgs.rows
    .map(
      (org): StoredOrgState => ({
        organizationId: org.id,
        securityGroups: groups.rows
          .filter((g) => g.organization_id === org.id)
          .map(
            (g): StoredSecurityGroupState => ({
              id: g.id,
              source: g.source,
              membersFromDocument: g.members_from_document,
              members: members.get(`${org.id} ${g.id}`)?.sort() ?? null,
            }),
          )
          .sort(byString((g) => g.id)),
        webhooks: webhooks.rows
          .filter((w) => w.organization_id === org.id)
          .map(
            (w): WebhookState => ({
              webhookId: w.webhook_id,
              endpoint: w.endpoint,
              description: w.description,
              secret: w.secret,
              insecureSsl: w.insecure_ssl,
              timeoutSeconds: w.timeout_seconds,
              enabled: w.enabled,
              retryScheduleSeconds:
                w.retry_schedule_seconds === null ? null : (JSON.parse(w.retry_schedule_seconds) as number[]),
              subscriptions: subscriptionSet(
                (subscriptionsOf.get(w.id) ?? []).map((s) => ({
                  eventType: s.event_type,
                  entityId: s.entity_id,
                  securityGroupId: s.security_group_id,
                  allEntities: s.all_entities,
                  enabled: s.enabled,
                })),
              ),
            }),
          )
          .sort(byString((w) => w.endpoint)),
      }),
    )
    .sort(byString((o) => o.organizationId));
}

/** readStatePg in one REPEATABLE READ snapshot: an answer never mixes two commits. */
export function readStateSnapshotPg(
  pool: pg.Pool,
  organizationIds: readonly string[] | undefined,
  options: ReadStateOptions = {},
): Promise<StoredOrgState[]> {
  return inTransaction(pool, (client) => readStatePg(client, organizationIds, options), SNAPSHOT);
}
