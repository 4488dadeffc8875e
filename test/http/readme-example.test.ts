import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/service/gateway.js';
import { FULL_REQUEST } from '../catalogue/spec-fixtures.js';
import { type ExampleGateway, startExampleGateway } from '../support/example-gateway.js';

// The README's curl, run against the gateway started from config.example.json as `npm start` does.
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const CURL =
  /curl -X POST localhost:8080\/v1\/events -H 'authorization: Bearer ([^']+)' \\\n\s+-H 'content-type: ([^']+)' -d @(\S+)/;

let example: ExampleGateway;
let gateway: RunningGateway;

beforeAll(async () => {
  example = await startExampleGateway();
  gateway = example.gateway;
});
afterAll(() => example.stop());

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
