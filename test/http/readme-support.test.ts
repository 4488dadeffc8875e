import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/service/gateway.js';
import { type ExampleGateway, startExampleGateway } from '../support/example-gateway.js';

const run = promisify(execFile);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = README.slice(README.indexOf('## Support API'), README.indexOf('## The SDK'));
const SCRIPT = /```sh\n([\s\S]*?)```/.exec(SECTION)?.[1] ?? '';
const tools = ['/usr/bin/curl', '/usr/bin/jq'].every((tool) => existsSync(tool));

let example: ExampleGateway;
let gateway: RunningGateway;
let dir: string;
beforeAll(async () => {
  example = await startExampleGateway();
  ({ gateway, dir } = example);
});
afterAll(() => example.stop());

describe("the README's support section", () => {
  it.skipIf(!tools)(
    'runs as written against the example configuration, every request answered 2xx',
    async () => {
      expect(SCRIPT).toContain('GW=localhost:8080');
      // curl fails on a 4xx/5xx answer (printing it), and the script stops at the first failure.
      const script = `set -euo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n${SCRIPT.replace(
        'GW=localhost:8080',
        `GW=${(gateway.url as string).replace('http://', '')}`,
      )}`;
      const { stdout } = await run('bash', ['-c', script], { cwd: dir, timeout: 60_000 });
      expect(stdout).toContain('"Name":"dev-admin"');
      const audit = gateway.database.sqlite
        .prepare('SELECT actor, resource, action FROM audit_log WHERE actor = ? ORDER BY seq')
        .all('dev-admin') as { resource: string; action: string }[];
      expect(audit.map((a) => `${a.action} ${a.resource}`)).toEqual(
        expect.arrayContaining([
          'create webhook',
          'update webhook',
          'create subscription',
          'delete subscription',
          'delete webhook',
          'create admin-token',
          'delete admin-token',
        ]),
      );
      const document = JSON.parse(readFileSync(join(dir, 'openapi.json'), 'utf8')) as { openapi: string };
      expect(document.openapi).toBe('3.1.0');
    },
  );
});
