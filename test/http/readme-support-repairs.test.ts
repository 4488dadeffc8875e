import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG, organization, startTestGateway, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SUPPORT = README.slice(README.indexOf('## Support API'), README.indexOf('## Metrics'));
const REPAIRS = SUPPORT.slice(SUPPORT.indexOf('### Finding any delivery, repairing what failed'));
/** The variables the support section's first script sets (GW, ORG, AUTH, JSON), then this part's script. */
const VARIABLES = (/```sh\n([\s\S]*?)```/.exec(SUPPORT)?.[1] ?? '')
  .split('\n')
  .filter((line) => /^(GW|AUTH)=/.test(line));
const SCRIPT = /```sh\n([\s\S]*?)```/.exec(REPAIRS)?.[1] ?? '';
const EXAMPLE = JSON.parse(readFileSync('examples/event.json', 'utf8')) as { Id: string };
const tools = ['/usr/bin/curl', '/usr/bin/jq'].every((tool) => existsSync(tool));

let receiver: Receiver;
let gw: TestGateway;
beforeAll(async () => {
  receiver = await startReceiver();
  // The example's tokens and organization, with its webhook on a receiver here.
  gw = await startTestGateway({
    producerTokens: ['dev-producer-token'],
    adminTokens: [{ Name: 'dev-admin', Token: 'dev-admin-token-change-me', Role: 'admin' }],
    organizations: [
      organization(ORG, [{ endpoint: `${receiver.url}/crm`, eventTypes: ['QueueCallInUserConnected'] }]),
    ],
  });
});
afterAll(async () => {
  await gw.cleanup();
  await receiver.close();
});

describe("the README's finding and repairing commands", () => {
  it.skipIf(!tools)('run as written, every request answered 2xx, and reach the receiver', async () => {
    expect(VARIABLES).toHaveLength(2);
    // The script publishes the example first; published here too, and delivered, its publish is a duplicate
    // and its redeliver finds no attempt in flight.
    await gw.publisher.publish(EXAMPLE as never);
    await receiver.waitFor(1);
    await waitFor(
      () => gw.rows<{ state: string }>(`SELECT state FROM deliveries`)[0]?.state === 'delivered',
      'the example delivered',
    );
    const script = [
      'set -euo pipefail',
      'curl() { command curl --fail-with-body "$@"; }',
      ...VARIABLES.map((line) =>
        line.replace('GW=localhost:8080', `GW=${(gw.url as string).replace('http://', '')}`),
      ),
      SCRIPT,
    ].join('\n');
    const { stdout } = await run('bash', ['-c', script], { timeout: 60_000 });
    expect(stdout).toContain('"WouldReceive"');
    // The redeliver reached the receiver with the same event; the test send with a sample of another type.
    await waitFor(
      () => receiver.requests.filter((r) => r.body.includes(EXAMPLE.Id)).length >= 2,
      'the redelivery',
    );
    expect(receiver.requests.some((r) => r.headers['x-benemen-event'] === 'UserStatus')).toBe(true);
  });
});
