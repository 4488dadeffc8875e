import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, tempDir, testDocument } from '../support/gateway.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

function gateway(args: string[], configFile: string) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, GATEWAY_CONFIG: configFile },
  }).then(
    (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe.skipIf(!postgresAvailable())('the CLI on a PostgreSQL database', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it('imports beside a running instance, which follows; exports what it routes with; traces and prunes', async () => {
    const database = await server.createDatabase();
    const dir = tempDir();
    const first = testDocument(database, {
      organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/a' }])],
    });
    const running = (await startServing({
      config: parseConfigDocument(first),
      http: false,
    })) as RunningPgGateway;
    try {
      const file = join(dir, 'next.json');
      writeFileSync(
        file,
        JSON.stringify(
          testDocument(database, {
            organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/b' }])],
          }),
        ),
      );
      const imported = await gateway(['import', file], file);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/applied \d+ change\(s\) to postgres:\/\//);
      await waitFor(
        () => running.router.webhookIds().some((id) => running.router.webhook(id)?.endpoint.endsWith('/b')),
        'the running instance routing to the imported endpoint',
        1000,
      );
      const traced = await gateway(['trace', randomUUID()], file);
      expect(traced.code).toBe(1);
      // --json answers as GET /v1/admin/events/{Id} does, on PostgreSQL too.
      const event = specEvent('UserStatus', ORG);
      await running.publisher.publish(event);
      const asJson = await gateway(['trace', event.Id, '--json'], file);
      expect(asJson.code).toBe(0);
      expect(JSON.parse(asJson.stdout)).toMatchObject({
        Event: { Id: event.Id.toLowerCase(), EventType: 'UserStatus' },
      });
      expect((await gateway(['trace', 'not-a-guid', '--json'], file)).code).toBe(2);
      const pruned = await gateway(['prune', '--dry-run'], file);
      expect(pruned.stdout).toMatch(/^would remove 0 event\(s\)/);
      // Export writes what the instances route with, as a document that imports to the same state.
      const exported = await gateway(['export'], file);
      expect(exported.code).toBe(0);
      const document = JSON.parse(exported.stdout) as {
        Organizations: { OrganizationId: string; Webhooks: { Webhook: { Endpoint: string } }[] }[];
      };
      expect(document.Organizations.map((o) => o.OrganizationId)).toEqual([ORG.toLowerCase()]);
      expect(document.Organizations[0]?.Webhooks.map((w) => w.Webhook.Endpoint)).toEqual([
        'http://127.0.0.1:9/b',
      ]);
      const out = join(dir, 'exported.json');
      expect((await gateway(['export', out], file)).code).toBe(0);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const again = await gateway(['import', out], out);
      expect(again.stdout).toMatch(/^no changes to postgres:\/\//);
    } finally {
      await running.stop();
    }
  }, 60_000);
});
