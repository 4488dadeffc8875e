import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import {
  launchGateway,
  ORG,
  organization,
  spawnGateway,
  TOKEN,
  tempDir,
  testDocument,
  writeConfig,
} from '../support/gateway.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('configuration at start', () => {
  it('refuses an invalid document with every bad path named, exits non-zero and starts nothing', async () => {
    const dir = workspace();
    const document = testDocument(join(dir, 'gateway.db'), {
      organizations: [
        organization(ORG, [
          {
            endpoint: 'http://crm.example.com:8080/hook',
            webhook: { Colour: 'blue' },
            subscriptions: [{ EventType: 'QueueCallInConnected', AllEntities: true }],
          },
        ]),
      ],
      delivery: { AllowHttp: false, AllowAnyPort: false },
    });
    const result = await cli(['serve'], { GATEWAY_CONFIG: writeConfig(dir, document) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$.Organizations[0].Webhooks[0].Webhook.Endpoint');
    expect(result.stderr).toContain('$.Organizations[0].Webhooks[0].Webhook');
    expect(result.stderr).toMatch(/Colour/);
    expect(result.stderr).toContain('$.Organizations[0].Webhooks[0].Subscriptions[0].EventType');
    expect(result.stderr).toContain('QueueCallInUserConnected');
    expect(existsSync(join(dir, 'gateway.db'))).toBe(false);
  });
});

describe('import, dry run and export', () => {
  it('applies a document once, changes nothing the second time, and exports what imports back unchanged', async () => {
    const dir = workspace();
    const db = join(dir, 'gateway.db');
    const file = writeConfig(
      dir,
      testDocument(db, {
        organizations: [
          organization(ORG, [
            {
              endpoint: 'https://a.example.com/hook',
              webhook: { Secret: 'TopSecretValue' },
              eventTypes: ['UserStatus'],
            },
            { endpoint: 'https://b.example.com/hook', eventTypes: ['QueueStatus', 'CallbackChanged'] },
          ]),
        ],
      }),
    );
    const dry = await cli(['import', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/create webhook [0-9a-f-]{36} https:\/\/a\.example\.com\/hook/);
    expect(dry.stdout).toMatch(/would apply \d+ change/);
    expect(dry.stdout).not.toContain('TopSecretValue');
    const webhooks = (file: string) =>
      new BetterSqlite3(file).prepare('SELECT count(*) AS n FROM webhooks').get() as { n: number };
    expect(webhooks(db).n).toBe(0);

    const applied = await cli(['import', file]);
    expect(applied.stdout).toMatch(/applied \d+ change/);
    expect(webhooks(db).n).toBe(2);
    expect((await cli(['import', file])).stdout).toMatch(/no changes/);

    const exported = join(dir, 'exported.json');
    expect((await cli(['export', exported], { GATEWAY_CONFIG: file })).code).toBe(0);
    expect(JSON.parse(readFileSync(exported, 'utf8')).Organizations[0].Webhooks).toHaveLength(2);
    expect((await cli(['import', exported])).stdout).toMatch(/no changes/);
  });
});

describe('shutdown', () => {
  it('on SIGTERM finishes the request in flight, records its event and exits 0', async () => {
    const dir = workspace();
    const db = join(dir, 'gateway.db');
    const gateway = await spawnGateway(writeConfig(dir, testDocument(db)));
    const event = JSON.stringify(specEvent('UserStatus', ORG));
    const url = new URL('/v1/events', gateway.url);
    const response = new Promise<number>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      // Half the body now, the signal, then the rest: the request is in flight when SIGTERM arrives.
      req.write(event.slice(0, 100));
      setTimeout(() => {
        gateway.child.kill('SIGTERM');
        setTimeout(() => req.end(event.slice(100)), 300);
      }, 300);
    });
    expect(await response).toBe(202);
    expect(await gateway.exited).toBe(0);
    const stored = new BetterSqlite3(db).prepare('SELECT count(*) AS n FROM events').get() as { n: number };
    expect(stored.n).toBe(1);
    expect(gateway.logs.map((l) => l.msg)).toContain('gateway stopped');
  });
});

async function timedHealth(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`);
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

describe('SIGHUP', () => {
  it('stays responsive through a storm of signals, coalescing reloads, and applies the last document', async () => {
    const dir = workspace();
    const dbFile = join(dir, 'gateway.db');
    const webhooks = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ endpoint: `http://127.0.0.1:9/hook-${i}` }));
    const file = writeConfig(dir, testDocument(dbFile, { organizations: [organization(ORG, webhooks(50))] }));
    const gateway = await spawnGateway(file);
    try {
      const latencies: number[] = [];
      let storming = true;
      const probe = (async () => {
        while (storming) {
          latencies.push(await timedHealth(gateway.url));
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      // A signal every 20 ms for 2 s; halfway the document gains a webhook.
      for (let i = 0; i < 100; i++) {
        if (i === 50)
          writeConfig(dir, testDocument(dbFile, { organizations: [organization(ORG, webhooks(51))] }));
        gateway.child.kill('SIGHUP');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      storming = false;
      await probe;
      expect(latencies.length).toBeGreaterThan(20);
      // Reloads run one at a time between requests: a probe never waits behind a queue of them (the
      // bounds leave room for a loaded machine; a gateway that re-ran every signal's reload froze for seconds).
      const sorted = [...latencies].sort((a, b) => a - b);
      expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(100);
      expect(sorted.at(-1)).toBeLessThan(1000);
      const reloads = gateway.logs.filter((l) => l.msg === 'configuration reloaded').length;
      expect(reloads).toBeGreaterThan(0);

      const event = specEvent('UserStatus', ORG);
      const response = await fetch(`${gateway.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(await response.json()).toMatchObject({ Results: [{ Matched: 51 }] });
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });
});

describe('signals during start', () => {
  it('a SIGHUP while the gateway starts waits for it, then reloads the file once', async () => {
    const dir = workspace();
    const dbFile = join(dir, 'gateway.db');
    const webhooks = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ endpoint: `http://127.0.0.1:9/hook-${i}` }));
    const file = writeConfig(dir, testDocument(dbFile, { organizations: [organization(ORG, webhooks(2))] }));
    const gateway = launchGateway(file);
    await gateway.logged('starting gateway');
    // The file changes after start read it, and signals keep coming until the gateway listens.
    writeConfig(dir, testDocument(dbFile, { organizations: [organization(ORG, webhooks(3))] }));
    let starting = true;
    const listening = gateway.logged('gateway listening').finally(() => {
      starting = false;
    });
    let signals = 0;
    while (starting) {
      gateway.child.kill('SIGHUP');
      signals++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const url = (await listening).url as string;
    try {
      expect(signals).toBeGreaterThan(0);
      await gateway.logged('configuration reloaded');
      const response = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(specEvent('UserStatus', ORG)),
      });
      expect(await response.json()).toMatchObject({ Results: [{ Matched: 3 }] });
    } finally {
      gateway.child.kill('SIGTERM');
      expect(await gateway.exited).toBe(0);
    }
  });

  it('a SIGTERM while the gateway starts lets it finish starting, then stops it cleanly', async () => {
    const dir = workspace();
    const file = writeConfig(dir, testDocument(join(dir, 'gateway.db')));
    const gateway = launchGateway(file);
    await gateway.logged('starting gateway');
    gateway.child.kill('SIGTERM');
    expect({ exit: await gateway.exited, stderr: gateway.stderr() }).toEqual({ exit: 0, stderr: '' });
    expect(gateway.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'gateway stopped']),
    );
  });
});
