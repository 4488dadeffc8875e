import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import {
  type GatewayProcess,
  launchGateway,
  ORG,
  organization,
  spawnGateway,
  TOKEN,
  tempDir,
  testDocument,
} from '../support/gateway.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const LIMIT = 4;

/** A receiver that records every Id it is sent, by path, and how many requests it had open at once. */
async function countingReceiver(delayMs: number) {
  const received: { id: string; path: string }[] = [];
  let open = 0;
  let maxOpen = 0;
  const server: Server = createServer((request, response) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ id: (JSON.parse(body) as { Id: string }).Id, path: request.url ?? '' });
      setTimeout(() => {
        open--;
        response.end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    get maxOpen() {
      return maxOpen;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A configuration document for an instance on `database`, delivering to `endpoint`. */
function instanceDocument(database: string, endpoint: string): Record<string, unknown> {
  const document = testDocument(database, {
    organizations: [organization(ORG, [{ endpoint }])],
    delivery: { MaxInFlightPerEndpoint: LIMIT, RetryScheduleSeconds: [0.2] },
  });
  (document.Gateway as Record<string, unknown>).Postgres = { LeaseSeconds: 2, PoolSize: 4 };
  return document;
}

async function publish(gateway: GatewayProcess, event: unknown): Promise<boolean> {
  try {
    const response = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    return response.status === 202;
  } catch {
    return false;
  }
}

/** Three (or more) `gateway serve` processes on one PostgreSQL database. */
describe.skipIf(!postgresAvailable())('several gateway processes on one PostgreSQL', () => {
  let server: TestPostgres;
  const processes: GatewayProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    for (const p of processes.splice(0)) p.child.kill('SIGKILL');
    for (const close of closers.splice(0)) await close();
  });

  async function spawnInstances(database: string, endpoint: string, n: number): Promise<string[]> {
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      const file = join(tempDir(), 'config.json');
      writeFileSync(file, JSON.stringify(instanceDocument(database, endpoint)));
      files.push(file);
    }
    // Started together: they migrate once, under the advisory lock.
    processes.push(...(await Promise.all(files.map((file) => spawnGateway(file)))));
    return files;
  }

  it('delivers every acknowledged event when one instance is killed mid-stream, repeating only what it had in flight, and holds the per-webhook limit across instances', async () => {
    const receiver = await countingReceiver(20);
    closers.push(receiver.close);
    const database = await server.createDatabase();
    await spawnInstances(database, `${receiver.url}/hook`, 3);
    const [victim] = processes;
    const acknowledged = new Set<string>();
    let sent = 0;
    const publishSome = async (count: number, to: GatewayProcess[]) => {
      const events = Array.from({ length: count }, () => specEvent('UserStatus', ORG));
      await Promise.all(
        events.map(async (event) => {
          const target = to[sent++ % to.length] as GatewayProcess;
          if (await publish(target, event)) acknowledged.add(event.Id);
        }),
      );
    };
    const watcher = new pg.Client({ connectionString: database });
    await watcher.connect();
    closers.push(() => watcher.end());
    const victimId = victim?.logs.find((l) => l.msg === 'serving on PostgreSQL')?.instance;
    const heldByVictim = async () =>
      (
        await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM deliveries WHERE state = 'in_flight' AND lease_owner = $1`,
          [victimId],
        )
      ).rows[0]?.n ?? 0;
    // Whichever instance claims a round's deliveries first may take all of them (up to what its places let
    // it hold), so the one to be killed gets work in some round, not in a given one: rounds go on (five at
    // least) until it is caught attempting.
    let caught = false;
    const firstHalf = (async () => {
      for (let i = 0; i < 50 && (i < 5 || !caught); i++) await publishSome(20, processes);
    })();
    // Killed with attempts open: it holds leases on deliveries it is attempting.
    // Frozen first (SIGSTOP), so the leases it is seen holding are still its open attempts when it dies;
    // thawed and tried again while it holds none. The pause lets writes it had sent land first.
    await waitFor(
      async () => {
        victim?.child.kill('SIGSTOP');
        await sleep(50);
        caught = (await heldByVictim()) > 0;
        if (caught) return true;
        victim?.child.kill('SIGCONT');
        await sleep(5);
        return false;
      },
      'the instance to be killed attempting',
      20_000,
    );
    victim?.child.kill('SIGKILL');
    await victim?.exited;
    await firstHalf;
    // What it held when it died stays leased to it until the lease expires: its open attempts and the
    // deliveries it had claimed to attempt next. Only those can be repeated (only its open ones, in fact).
    const inFlightAtDeath = await heldByVictim();
    expect(inFlightAtDeath).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await publishSome(20, processes.slice(1));
    expect(acknowledged.size).toBeGreaterThanOrEqual(150);

    await waitFor(
      () => [...acknowledged].every((id) => receiver.received.some((r) => r.id === id)),
      'every acknowledged event delivered',
      30_000,
    );
    console.log(
      `killed instance: ${inFlightAtDeath} in flight; ${receiver.received.length} receipts of ${acknowledged.size} acknowledged events; at most ${receiver.maxOpen} open at once`,
    );
    const repeats = receiver.received.length - new Set(receiver.received.map((r) => r.id)).size;
    // Only attempts the killed instance had in flight can be repeated.
    expect(repeats).toBeLessThanOrEqual(inFlightAtDeath);
    expect(receiver.maxOpen).toBeLessThanOrEqual(LIMIT);
    expect(receiver.maxOpen).toBeGreaterThan(1);
  }, 90_000);

  it('routes on every instance within a second after a change through one of them (SIGHUP)', async () => {
    const receiver = await countingReceiver(0);
    closers.push(receiver.close);
    const database = await server.createDatabase();
    const files = await spawnInstances(database, `${receiver.url}/first`, 3);
    const [changed, ...others] = processes as [GatewayProcess, ...GatewayProcess[]];
    writeFileSync(files[0] as string, JSON.stringify(instanceDocument(database, `${receiver.url}/second`)));
    const reloaded = waitFor(
      () => changed.logs.find((l) => l.msg === 'configuration reloaded'),
      'the reload logged',
    );
    changed.child.kill('SIGHUP');
    await reloaded;
    await sleep(1000);
    const ids = await Promise.all(
      others.map(async (gateway) => {
        const event = specEvent('UserStatus', ORG);
        expect(await publish(gateway, event)).toBe(true);
        return event.Id;
      }),
    );
    await waitFor(() => ids.every((id) => receiver.received.some((r) => r.id === id)), 'the deliveries');
    expect(receiver.received.filter((r) => ids.includes(r.id)).map((r) => r.path)).toEqual([
      '/second',
      '/second',
    ]);
  }, 60_000);

  it('leaves the database usable when an instance is killed in the middle of its migration', async () => {
    const receiver = await countingReceiver(0);
    closers.push(receiver.close);
    const database = await server.createDatabase();
    // Stop the migration just before it commits: its last statement records it in drizzle's table, which
    // this SHARE lock lets it read but not write.
    const blocker = new pg.Client({ connectionString: database });
    await blocker.connect();
    closers.push(() => blocker.end());
    await blocker.query(`CREATE SCHEMA drizzle; CREATE TABLE drizzle.__drizzle_migrations
      (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE drizzle.__drizzle_migrations IN SHARE MODE');
    const file = join(tempDir(), 'config.json');
    writeFileSync(file, JSON.stringify(instanceDocument(database, `${receiver.url}/hook`)));
    const dying = launchGateway(file);
    const watcher = new pg.Client({ connectionString: database });
    await watcher.connect();
    closers.push(() => watcher.end());
    await waitFor(
      async () =>
        (
          await watcher.query(
            `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = '__drizzle_migrations' AND NOT l.granted`,
          )
        ).rowCount === 1,
      'the migration waiting to record itself',
      20_000,
    );
    // Mid-migration: its tables exist, uncommitted.
    dying.child.kill('SIGKILL');
    await dying.exited;
    await blocker.query('ROLLBACK');

    const [next] = await Promise.all([spawnGateway(file)]);
    processes.push(next as GatewayProcess);
    const event = specEvent('UserStatus', ORG, randomUUID());
    expect(await publish(next as GatewayProcess, event)).toBe(true);
    await waitFor(() => receiver.received.some((r) => r.id === event.Id), 'the delivery');
    const migrations = await watcher.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    // Each migration recorded once, none lost with the killed instance.
    const journal = JSON.parse(readFileSync('drizzle-pg/meta/_journal.json', 'utf8')) as {
      entries: unknown[];
    };
    expect(migrations.rows[0].n).toBe(journal.entries.length);
  }, 60_000);
});
