import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { sqliteSupportStore } from '../../src/service/support/sqlite-store.js';
import type { SupportStore } from '../../src/service/support/support-store.js';
import { openDatabase } from '../../src/store/database.js';
import { ENTITY_INDEX_MARK, EntityIndex, ROUND_ROWS } from '../../src/store/entity-index.js';
import { openPgDatabase } from '../../src/store/pg/database.js';
import { waitingCountsPg } from '../../src/store/pg/support/health.js';
import { PgSupportStore } from '../../src/store/pg/support/index.js';
import { decodeCursor, type Keyset } from '../../src/store/support/cursor.js';
import { listEvents } from '../../src/store/support/events.js';
import { waitingCounts } from '../../src/store/support/waiting.js';
import { postgresAvailable, startPostgres } from '../../test/support/postgres.js';
import { nowMs } from '../lib/clock.js';
import { seededRandom } from '../lib/random.js';
import { metric } from '../lib/results.js';
import type { Scenario } from '../lib/scenario.js';
import { percentiles } from '../lib/stats.js';
import { tempDir } from '../lib/temp-dir.js';

const ORG = '5b0f1c3a-7d2e-4c1b-9a8f-0e6d2c4b1a90';
const EVENTS = 500_000;
/** Each event goes to the two webhooks: 1,000,000 deliveries. */
const WEBHOOKS = 2;
const ENTITIES = 1_000;
const TYPES = ['UserStatus', 'QueueStatus', 'CallbackChanged', 'UserCallInArrived', 'QueueCallInArrived'];
/** The history spans a week; the queries run "now", at its end. */
const SPAN_MS = 7 * 24 * 3_600_000;
/** The backlogged webhook's newest deliveries wait (its endpoint is down). */
const BACKLOG = 100_000;
const RUNS = 30;
const LIMIT = 50;
const PAYLOAD = JSON.stringify({ Note: 'x'.repeat(600) });

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const guid = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

/**
 * Seeds a store with direct inserts: a week of one organization's events, each delivered to a healthy
 * webhook (mostly delivered, some discarded or expired, a few retrying) and to one whose last BACKLOG
 * deliveries wait, each attempted once or three times.
 */
function seed(sqlite: BetterSqlite3.Database, now: number): void {
  const start = now - SPAN_MS;
  sqlite.exec(`INSERT INTO organizations (id, created_at) VALUES ('${ORG}', 0)`);
  const webhook = sqlite.prepare(
    `INSERT INTO webhooks (id, webhook_id, organization_id, endpoint, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)`,
  );
  for (let w = 1; w <= WEBHOOKS; w++) webhook.run(w, guid(2, w), ORG, `https://hook${w}.example.com/`);
  const event = sqlite.prepare(
    `INSERT INTO events (seq, id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
     VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', ?, ?, ${WEBHOOKS})`,
  );
  const delivery = sqlite.prepare(
    `INSERT INTO deliveries (id, event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at,
                             last_attempt_at, last_status, last_error_class, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const attempt = sqlite.prepare(
    `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const rnd = seededRandom(16);
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const at = Math.floor(start + (i * SPAN_MS) / EVENTS);
      event.run(i + 1, guid(1, i + 1), ORG, TYPES[i % TYPES.length], guid(3, i % ENTITIES), PAYLOAD, at);
      for (let w = 1; w <= WEBHOOKS; w++) {
        const id = i * WEBHOOKS + w;
        const r = rnd();
        const waiting = w === 2 && i >= EVENTS - BACKLOG;
        const state = waiting
          ? 'retrying'
          : r < 0.9
            ? 'delivered'
            : r < 0.95
              ? 'discarded'
              : r < 0.98
                ? 'expired'
                : 'retrying';
        const tries = state === 'delivered' ? 1 : state === 'expired' ? 0 : 3;
        const last = at + tries * 1_000;
        const ok = state === 'delivered';
        delivery.run(
          id,
          i + 1,
          w,
          state,
          tries,
          state === 'retrying' ? last + 60_000 : last,
          at,
          tries === 0 ? null : last,
          tries === 0 ? null : ok ? 200 : 503,
          tries === 0 || ok ? (state === 'expired' ? 'expired' : null) : 'http-status',
          state === 'retrying' ? null : last,
        );
        for (let a = 1; a <= tries; a++) {
          const success = ok && a === tries;
          attempt.run(
            id,
            a,
            at + a * 1_000,
            Math.floor(5 + rnd() * 200),
            success ? 200 : 503,
            success ? null : 'http-status',
          );
        }
      }
    }
  });
  for (let from = 0; from < EVENTS; from += 10_000) batch(from, Math.min(EVENTS, from + 10_000));
  // The entity index as the gateway leaves it at its busiest: everything indexed but the newest round's
  // worth of events, which a query by entity reads from events (the tail after the mark).
  new EntityIndex(sqlite).catchUp();
  sqlite
    .prepare(`UPDATE store_marks SET value = value - ? WHERE name = ?`)
    .run(ROUND_ROWS, ENTITY_INDEX_MARK);
  sqlite
    .prepare(`DELETE FROM event_entities WHERE seq > (SELECT value FROM store_marks WHERE name = ?)`)
    .run(ENTITY_INDEX_MARK);
  sqlite.exec('ANALYZE');
}

/**
 * The same history seeded into PostgreSQL by set-based inserts (its own random draws, the same shares of
 * states, tries, times and the backlog), then vacuumed and analysed.
 */
async function seedPg(pool: pg.Pool, now: number): Promise<void> {
  const start = now - SPAN_MS;
  const guidSql = (kind: number, n: string) =>
    `'${hex(kind, 8)}-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0')`;
  await pool.query(`INSERT INTO organizations (id, created_at) VALUES ('${ORG}', 0)`);
  for (let w = 1; w <= WEBHOOKS; w++)
    await pool.query(
      `INSERT INTO webhooks (id, webhook_id, organization_id, endpoint, created_at, updated_at) VALUES ($1, $2, $3, $4, 0, 0)`,
      [w, guid(2, w), ORG, `https://hook${w}.example.com/`],
    );
  const types = `ARRAY[${TYPES.map((t) => `'${t}'`).join(',')}]`;
  await pool.query(
    `INSERT INTO events (seq, id, organization_id, event_type, entity_id, occurred_at, payload, accepted_at, match_count)
     SELECT i + 1, ${guidSql(1, 'i + 1')}, '${ORG}', (${types})[i % ${TYPES.length} + 1], ${guidSql(3, `i % ${ENTITIES}`)},
            '2026-01-01T00:00:00Z', $1, floor(${start} + i::numeric * ${SPAN_MS} / ${EVENTS})::bigint, ${WEBHOOKS}
       FROM generate_series(0, ${EVENTS - 1}) AS i`,
    [PAYLOAD],
  );
  await pool.query(
    `INSERT INTO deliveries (id, event_seq, webhook_id, state, attempt_count, next_attempt_at, created_at,
                             last_attempt_at, last_status, last_error_class, finished_at)
     SELECT id, seq, w, state, tries, CASE WHEN state = 'retrying' THEN last + 60000 ELSE last END, at,
            CASE WHEN tries > 0 THEN last END,
            CASE WHEN tries > 0 THEN CASE WHEN state = 'delivered' THEN 200 ELSE 503 END END,
            CASE WHEN tries = 0 THEN CASE WHEN state = 'expired' THEN 'expired' END
                 WHEN state <> 'delivered' THEN 'http-status' END,
            CASE WHEN state <> 'retrying' THEN last END
       FROM (SELECT *, at + tries * 1000 AS last
               FROM (SELECT *, CASE state WHEN 'delivered' THEN 1 WHEN 'expired' THEN 0 ELSE 3 END AS tries
                       FROM (SELECT i * ${WEBHOOKS} + w AS id, i + 1 AS seq, w,
                                    floor(${start} + i::numeric * ${SPAN_MS} / ${EVENTS})::bigint AS at,
                                    CASE WHEN w = 2 AND i >= ${EVENTS - BACKLOG} THEN 'retrying'
                                         WHEN r < 0.9 THEN 'delivered' WHEN r < 0.95 THEN 'discarded'
                                         WHEN r < 0.98 THEN 'expired' ELSE 'retrying' END AS state
                               FROM (SELECT i, w, random() AS r
                                       FROM generate_series(0, ${EVENTS - 1}) AS i
                                      CROSS JOIN generate_series(1, ${WEBHOOKS}) AS w) drawn) stated) tried) d`,
  );
  await pool.query(
    `INSERT INTO attempts (delivery_id, attempt_no, started_at, duration_ms, status_code, error_class)
     SELECT d.id, a, d.created_at + a * 1000, floor(5 + random() * 200)::int,
            CASE WHEN d.state = 'delivered' AND a = d.attempt_count THEN 200 ELSE 503 END,
            CASE WHEN d.state = 'delivered' AND a = d.attempt_count THEN NULL ELSE 'http-status' END
       FROM deliveries d CROSS JOIN LATERAL generate_series(1, d.attempt_count) AS a`,
  );
  await pool.query('VACUUM ANALYZE');
}

interface Query {
  name: string;
  run(i: number): Promise<unknown>;
}

/** RUNS timings of one query in ms (after one unmeasured run), each with its own parameters. */
async function time(q: Query): Promise<number[]> {
  await q.run(RUNS);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = nowMs();
    await q.run(i);
    samples.push(nowMs() - t);
  }
  return samples;
}

/** A cursor part-way through: the keyset of a row `fraction` of the way back in time. */
const midway = (now: number, fraction: number): Keyset => ({
  at: Math.floor(now - SPAN_MS * fraction),
  id: 2 ** 40,
});

/** Support's queries as the admin API runs them, through the store port (either store). */
function queriesOn(store: SupportStore, waiting: () => Promise<unknown>, now: number): Query[] {
  const entity = (i: number) => guid(3, (i * 37) % ENTITIES);
  return [
    {
      name: 'events of the organization, first page',
      run: () => store.listEvents({ organizationId: ORG, limit: LIMIT }),
    },
    {
      name: 'events by EventType, a page deep in the week',
      run: (i) =>
        store.listEvents({
          organizationId: ORG,
          eventType: TYPES[i % TYPES.length],
          after: midway(now, (i % 10) / 10 + 0.05),
          limit: LIMIT,
        }),
    },
    {
      name: `events by EntityId (SQLite: the newest ${ROUND_ROWS.toLocaleString('en')} not indexed yet)`,
      run: (i) => store.listEvents({ organizationId: ORG, entityId: entity(i), limit: LIMIT }),
    },
    {
      name: 'events by EntityId and EventType',
      run: (i) =>
        store.listEvents({ organizationId: ORG, entityId: entity(i), eventType: TYPES[i % 5], limit: LIMIT }),
    },
    {
      name: 'events From/To, one hour in the middle',
      run: (i) => {
        const from = now - SPAN_MS * ((i % 10) / 10 + 0.05);
        return store.listEvents({ organizationId: ORG, from, to: from + 3_600_000, limit: LIMIT });
      },
    },
    {
      name: 'one event with its deliveries, attempts and subscriptions',
      run: (i) => store.traceEvent(guid(1, 1 + ((i * 7919) % EVENTS))),
    },
    {
      name: "a webhook's deliveries, any state, a page deep in the week",
      run: (i) =>
        store.listDeliveries({
          webhookRowId: 1 + (i % 2),
          after: midway(now, (i % 10) / 10 + 0.05),
          limit: LIMIT,
        }),
    },
    {
      name: "a webhook's discarded deliveries, first page",
      run: (i) => store.listDeliveries({ webhookRowId: 1 + (i % 2), states: ['discarded'], limit: LIMIT }),
    },
    {
      name: 'one delivery with its attempts',
      run: (i) => store.getDelivery(1 + ((i * 104_729) % (EVENTS * WEBHOOKS))),
    },
    { name: 'health of the healthy webhook', run: () => store.webhookHealth(1, now) },
    {
      name: `health of the webhook with ${BACKLOG.toLocaleString('en')} waiting`,
      run: () => store.webhookHealth(2, now),
    },
    { name: '/metrics: deliveries waiting in the whole store', run: waiting },
    {
      name: 'recover dry run: a day of discarded and expired',
      run: (i) => {
        const since = now - SPAN_MS * ((i % 6) / 7);
        return store.countRecoverable({
          webhookRowId: 1,
          states: ['discarded', 'expired'],
          since,
          until: since + 86_400_000,
        });
      },
    },
  ];
}

type Figures = Record<string, ReturnType<typeof percentiles>>;

async function measure(ctx: { log(line: string): void }, label: string, queries: Query[]): Promise<Figures> {
  const figures: Figures = {};
  for (const q of queries) {
    const f = percentiles(await time(q));
    figures[q.name] = f;
    ctx.log(`${label} ${q.name}: p50 ${f.p50.toFixed(2)} ms, max ${f.max.toFixed(2)} ms`);
  }
  return figures;
}

const metricsOf = (label: string, figures: Figures) =>
  Object.entries(figures).map(([name, f]) =>
    metric({
      metric: `${label}${name} (max of ${RUNS}; p50 ${f.p50.toFixed(2)} ms)`,
      unit: 'ms',
      gateway: f.max,
      target: { on: 'gateway', op: '<', value: 100 },
    }),
  );

/**
 * Support's queries at 1,000,000 deliveries (issue 16: each under 100 ms), on SQLite and, when a
 * PostgreSQL is found (test/support/postgres.ts), on PostgreSQL too. Each store is seeded directly (not
 * through the gateway: only the queries are measured), analysed, and each query is run RUNS times with
 * varying parameters through support's store port, as the admin API runs them.
 */
export const supportQueries: Scenario = {
  name: 'support-queries',
  description: `${EVENTS.toLocaleString('en')} events, ${(EVENTS * WEBHOOKS).toLocaleString('en')} deliveries over a week; each support query ${RUNS} times, on SQLite and PostgreSQL`,
  budgetMs: 1_800_000,
  async run(ctx) {
    const dir = tempDir(ctx.scope, 'bench-support');
    const database = openDatabase(join(dir, 'gateway.db'));
    const sqlite = database.sqlite;
    const now = Date.now();
    let figures: Figures;
    let seedSeconds: number;
    let secondPageStartsAt: Keyset | null;
    try {
      const seeding = nowMs();
      seed(sqlite, now);
      seedSeconds = (nowMs() - seeding) / 1000;
      ctx.log(`seeded in ${seedSeconds.toFixed(1)} s`);
      const store = sqliteSupportStore(sqlite, {} as Parameters<typeof sqliteSupportStore>[1]);
      figures = await measure(
        ctx,
        'SQLite',
        queriesOn(store, async () => waitingCounts(sqlite), now),
      );
      // The cursor round trip the API uses, so a page's keyset is what the next query gets.
      const page = listEvents(sqlite, { organizationId: ORG, limit: LIMIT });
      secondPageStartsAt = page.nextCursor === null ? null : decodeCursor(page.nextCursor);
    } finally {
      database.close();
    }
    let pgFigures: Figures | null = null;
    let pgSeedSeconds: number | null = null;
    if (postgresAvailable()) {
      const server = await startPostgres();
      try {
        const pgDatabase = await openPgDatabase(await server.createDatabase());
        try {
          const seeding = nowMs();
          await seedPg(pgDatabase.pool, now);
          pgSeedSeconds = (nowMs() - seeding) / 1000;
          ctx.log(`PostgreSQL seeded in ${pgSeedSeconds.toFixed(1)} s`);
          const store = new PgSupportStore(pgDatabase.pool, 'bench');
          pgFigures = await measure(
            ctx,
            'PostgreSQL',
            queriesOn(store, () => waitingCountsPg(pgDatabase.pool), now),
          );
        } finally {
          await pgDatabase.close();
        }
      } finally {
        await server.stop();
      }
    } else ctx.log('no PostgreSQL found: the PostgreSQL half is skipped');
    return {
      metrics: [
        ...metricsOf('', figures),
        ...(pgFigures === null ? [] : metricsOf('PostgreSQL: ', pgFigures)),
      ],
      details: {
        events: EVENTS,
        deliveries: EVENTS * WEBHOOKS,
        backlog: BACKLOG,
        seedSeconds,
        pgSeedSeconds,
        runs: RUNS,
        pageSize: LIMIT,
        figures,
        pgFigures,
        secondPageStartsAt,
      },
    };
  },
};
