import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { type RunningGateway, startGateway } from '../../src/service/gateway.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, testDocument } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

/** A small tmpfs of its own, so the test can fill the disk the store writes to, and empty it again. */
const dir = mkdtempSync(join(tmpdir(), 'gateway-full-disk-'));
let mounted = false;
beforeAll(() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = true;
  } catch {
    // Not root, or no mount in this sandbox: the test below reports itself skipped.
  }
});
afterAll(() => {
  if (mounted) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a file until the disk is full; returns its path. */
function fillDisk(): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

const EVENTS = 300;

describe('a full disk', () => {
  let gateway: RunningGateway | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await gateway?.stop();
    await receiver?.close();
    gateway = undefined;
    // The tmpfs is this file's alone: the next test starts on an empty disk.
    for (const file of readdirSync(dir)) rmSync(join(dir, file), { force: true });
  });

  it('strands no delivery: refused outcomes are kept and written once there is space; readiness says so meanwhile', async (ctx) => {
    if (!mounted) ctx.skip();
    // Answers take a while, so outcomes arrive after the disk has filled up.
    receiver = await startReceiver({ delayMs: 1_500 });
    const config = parseConfigDocument(
      testDocument(join(dir, 'gateway.db'), {
        organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook` }])],
      }),
    );
    const g = await startGateway({ config });
    gateway = g;
    const ready = async () => (await fetch(`${g.url}/readyz`)).status;
    const states = () =>
      Object.fromEntries(
        (
          g.database.sqlite.prepare('SELECT state, count(*) AS n FROM deliveries GROUP BY state').all() as {
            state: string;
            n: number;
          }[]
        ).map((r) => [r.state, r.n]),
      );
    for (let i = 0; i < EVENTS; i += 50)
      await g.publisher.publishBatch(Array.from({ length: 50 }, () => specEvent('UserStatus', ORG)));
    const filler = fillDisk();

    await waitFor(async () => (await ready()) === 503, 'readiness to report the failing store', 15_000);
    await waitFor(() => (receiver?.requests.length ?? 0) >= 32, 'attempts answered while the disk is full');
    expect(states().delivered ?? 0).toBeLessThan(EVENTS);

    rmSync(filler);
    await waitFor(() => states().delivered === EVENTS, 'every delivery recorded delivered', 30_000);
    await waitFor(async () => (await ready()) === 200, 'readiness back');
  }, 90_000);

  it('strands no delivery when the gateway stops while the disk is full: the next start delivers the rest', async (ctx) => {
    if (!mounted) ctx.skip();
    receiver = await startReceiver({ delayMs: 1_500 });
    const config = parseConfigDocument(
      testDocument(join(dir, 'gateway.db'), {
        organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook` }])],
      }),
    );
    const first = await startGateway({ config, shutdownGraceMs: 500 });
    gateway = first;
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i += 50) {
      const batch = Array.from({ length: 50 }, () => specEvent('UserStatus', ORG));
      ids.push(...batch.map((e) => e.Id));
      await first.publisher.publishBatch(batch);
    }
    const filler = fillDisk();
    await waitFor(() => (receiver?.requests.length ?? 0) >= 32, 'attempts answered while the disk is full');
    // Stopped with outcomes, releases or claims the store refused: they are not written anywhere.
    await first.stop();
    gateway = undefined;
    rmSync(filler);

    const second = await startGateway({ config });
    gateway = second;
    const delivered = () =>
      second.database.sqlite
        .prepare("SELECT count(*) FROM deliveries WHERE state = 'delivered'")
        .pluck()
        .get();
    await waitFor(
      () => delivered() === EVENTS,
      'every delivery recorded delivered after the restart',
      60_000,
    );
    const received = new Set(receiver.requests.map((r) => JSON.parse(r.body).Id as string));
    expect(ids.filter((id) => !received.has(id))).toEqual([]);
  }, 120_000);
});
