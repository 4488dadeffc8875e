import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import type { DeliveryTransport } from '../../src/delivery/engine/engine.js';
import { type RunningGateway, startGateway } from '../../src/service/gateway.js';
import { FULL_REQUEST } from '../catalogue/spec-fixtures.js';
import { tempDir } from '../support/gateway.js';

// The README's curl, run against the gateway started from config.example.json as `npm start` does.
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const CURL =
  /curl -X POST localhost:8080\/v1\/events -H 'authorization: Bearer ([^']+)' \\\n\s+-H 'content-type: ([^']+)' -d @(\S+)/;

// The example's endpoint is not reachable from a test: deliveries are held here, never sent.
const heldTransport: DeliveryTransport = {
  send: () => new Promise(() => {}),
  close: async () => {},
};

let gateway: RunningGateway;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  const { config } = loadConfig({
    env: { GATEWAY_DATABASE: join(dir, 'gateway.db'), GATEWAY_LISTEN: '127.0.0.1:0' },
  });
  gateway = await startGateway({ config, transport: heldTransport, shutdownGraceMs: 0 });
});
afterAll(async () => {
  await gateway.stop();
  rmSync(dir, { recursive: true, force: true });
});

function post(token: string, contentType: string, body: string): Promise<Response> {
  return fetch(`${gateway.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
}

describe("the README's producer example", () => {
  it('posts a file the repository ships, accepted and matched by the example configuration', async () => {
    const curl = CURL.exec(README);
    expect(curl, 'the curl command of the README').not.toBeNull();
    const [, token, contentType, file] = curl as unknown as [string, string, string, string];
    const body = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    const response = await post(token, contentType, body);
    expect(response.status).toBe(202);
    const id = (JSON.parse(body) as { Id: string }).Id;
    expect(await response.json()).toEqual({ Results: [{ Id: id, Matched: 1, Duplicate: false }] });
  });

  it("accepts the spec's example full request as written, stored without expiry", async () => {
    const response = await post('dev-producer-token', 'application/json', JSON.stringify(FULL_REQUEST.body));
    expect(response.status).toBe(202);
    const row = gateway.database.sqlite
      .prepare('SELECT expires_at AS expiresAt FROM events WHERE id = ?')
      .get(FULL_REQUEST.body.Id) as { expiresAt: number | null } | undefined;
    expect(row).toEqual({ expiresAt: null });
  });

  it('delivers the accepted event re-serialised, as the README says: 1.50 arrives as 1.5, order kept', async () => {
    const id = '3f0c0a52-8d0f-4b59-9a53-2f0e3c1d9b70';
    const file = readFileSync(new URL('../../examples/event.json', import.meta.url), 'utf8');
    const body = file
      .replace('"Id": "54fc3541-b8ca-4fee-8159-a7a85c981eed"', `"Id": "${id}"`)
      .replace(/\}\s*$/, ',\n  "Price": 1.50\n}');
    expect((await post('dev-producer-token', 'application/json', body)).status).toBe(202);
    const row = gateway.database.sqlite.prepare('SELECT payload FROM events WHERE id = ?').get(id) as {
      payload: string;
    };
    expect(row.payload).toBe(JSON.stringify(JSON.parse(body)));
    expect(row.payload.endsWith('"Price":1.5}')).toBe(true);
  });
});
