import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RemotePublisher } from '../../src/sdk/remote-publisher.js';
import { specEvent } from '../support/events.js';
import {
  ORG,
  organization,
  spawnGateway,
  TOKEN,
  tempDir,
  testDocument,
  writeConfig,
} from '../support/gateway.js';
import { startReceiver } from '../support/receiver.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(config: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), ...args], {
    env: { ...process.env, GATEWAY_CONFIG: config },
    encoding: 'utf8',
  });
}

/** A `serve` expected to refuse: its exit code and what it wrote to stderr. */
function refusedServe(config: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'serve'], {
    env: { ...process.env, GATEWAY_CONFIG: config, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('one serving gateway per database file', () => {
  it('refuses a second serve with one line naming the file and the pid, lets the CLI work beside, and frees the file at SIGKILL', async () => {
    const receiver = await startReceiver();
    const dbFile = join(dir, 'gateway.db');
    const config = writeConfig(
      dir,
      testDocument(dbFile, { organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook` }])] }),
    );
    const first = await spawnGateway(config);
    try {
      // The second one names another webhook: refused, it must not have applied its document either.
      const otherConfig = writeConfig(
        tempDir(),
        testDocument(dbFile, {
          organizations: [
            organization(ORG, [{ endpoint: `${receiver.url}/hook` }, { endpoint: `${receiver.url}/other` }]),
          ],
        }),
      );
      const second = await refusedServe(otherConfig);
      expect(second.code).toBe(2);
      expect(cli(config, 'export')).not.toContain(`${receiver.url}/other`);
      expect(second.stderr.trim().split('\n')).toEqual([
        `${dbFile} is already served by another gateway (pid ${first.child.pid}); one gateway serves a database at a time`,
      ]);
      rmSync(dirname(otherConfig), { recursive: true, force: true });

      const publisher = new RemotePublisher({ baseUrl: first.url, token: TOKEN });
      const event = specEvent('UserStatus', ORG);
      await publisher.publish(event);
      await publisher.close();
      expect(cli(config, 'trace', event.Id)).toContain(`Event ${event.Id} UserStatus`);
      expect(cli(config, 'export')).toContain(`${receiver.url}/hook`);
      expect(cli(config, 'import', config, '--dry-run')).toContain('no changes');
      expect(cli(config, 'prune', '--dry-run')).toContain('would remove 0 event(s)');
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const third = await spawnGateway(config);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    await receiver.close();
  }, 90_000); // three gateways and several CLI processes, each a cold start under tsx
});
