import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { startServing } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { ADMIN, adminCall, EDITOR } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, TOKEN, tempDir, testDocument, writeConfig } from '../support/gateway.js';
import { postgresAvailable, startPostgres, type TestPostgres } from '../support/postgres.js';

/** Polls `check` every 20 ms until it holds; the milliseconds it took, or a failure after `withinMs`. */
async function within(withinMs: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

/**
 * Several gateway instances on one PostgreSQL: what the admin API changes through one reaches the others
 * (routing, tokens) within a second, and the start-up rule (the store is the source of truth) holds.
 */
describe.skipIf(!postgresAvailable())('admin API on PostgreSQL: several instances', () => {
  let server: TestPostgres;
  const running: RunningPgGateway[] = [];
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((g) => g.stop()));
  });

  async function start(document: Record<string, unknown>): Promise<RunningPgGateway> {
    const gateway = (await startServing({ config: parseConfigDocument(document) })) as RunningPgGateway;
    running.push(gateway);
    return gateway;
  }
  const stop = async (gateway: RunningPgGateway) => {
    running.splice(running.indexOf(gateway), 1);
    await gateway.stop();
  };
  const documentAt = (url: string, endpoints: string[]) =>
    testDocument(url, {
      adminTokens: [ADMIN, EDITOR],
      organizations: [
        organization(
          ORG,
          endpoints.map((endpoint) => ({ endpoint })),
        ),
      ],
    });
  const matched = async (gateway: RunningPgGateway) => {
    const response = await fetch(`${gateway.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(specEvent('UserStatus', ORG)),
    });
    return ((await response.json()) as { Results: { Matched: number }[] }).Results[0]?.Matched;
  };
  const auditOf = async (gateway: RunningPgGateway) =>
    (
      await gateway.database.pool.query<{ line: string }>(
        `SELECT actor || ' ' || action || ' ' || resource AS line FROM audit_log ORDER BY seq`,
      )
    ).rows.map((r) => r.line);

  it("routes on instance B within a second a webhook created and then paused through instance A's API", async () => {
    const url = await server.createDatabase();
    const a = await start(documentAt(url, []));
    const b = await start(documentAt(url, []));
    expect(await matched(b)).toBe(0);
    const created = await adminCall(a.url as string, 'POST', `/v1/admin/organizations/${ORG}/webhooks`, {
      token: EDITOR.Token,
      body: { Endpoint: 'http://127.0.0.1:9/api-made' },
    });
    expect(created.status).toBe(201);
    const subscribed = await adminCall(
      a.url as string,
      'POST',
      `/v1/admin/organizations/${ORG}/webhooks/${created.body.WebhookId}/subscriptions`,
      { token: EDITOR.Token, body: { EventType: 'UserStatus', AllEntities: true } },
    );
    expect(subscribed.status).toBe(201);
    const tookMs = await within(1000, 'B routes to the new webhook', async () => (await matched(b)) === 1);
    console.log(`B routed the webhook made on A after ${tookMs} ms`);
    const onB = () =>
      b.router
        .webhookIds()
        .map((id) => b.router.webhook(id))
        .find((w) => w?.webhookId === created.body.WebhookId);
    expect(onB()?.enabled).toBe(true);
    const paused = await adminCall(
      a.url as string,
      'PATCH',
      `/v1/admin/organizations/${ORG}/webhooks/${created.body.WebhookId}`,
      {
        token: EDITOR.Token,
        body: { Enabled: false },
        headers: { 'if-match': created.headers.get('etag') as string },
      },
    );
    expect(paused.status).toBe(200);
    const pausedMs = await within(1000, 'B holds the paused webhook', async () => onB()?.enabled === false);
    console.log(`B paused the webhook paused on A after ${pausedMs} ms`);
    // B's API reads the same store: it shows A's change at once.
    const seen = await adminCall(
      b.url as string,
      'GET',
      `/v1/admin/organizations/${ORG}/webhooks/${created.body.WebhookId}`,
    );
    expect([seen.body.Enabled, seen.headers.get('etag')]).toEqual([false, paused.headers.get('etag')]);
  });

  it('a token created over the API on A opens B within a second, and stops opening it within a second of its deletion', async () => {
    const url = await server.createDatabase();
    const a = await start(documentAt(url, []));
    const b = await start(documentAt(url, []));
    const created = await adminCall(a.url as string, 'POST', '/v1/admin/tokens', {
      body: { Name: 'made-on-a', Role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const token = created.body.Token as string;
    const stored = await a.database.pool.query('SELECT token_sha256 FROM admin_tokens');
    expect(JSON.stringify(stored.rows)).not.toContain(token);
    const onB = (path: string) => adminCall(b.url as string, 'GET', path, { token });
    const opened = await within(
      1000,
      'B accepts the new token',
      async () => (await onB('/v1/admin/token')).status === 200,
    );
    console.log(`B accepted the token made on A after ${opened} ms`);
    expect((await onB('/v1/admin/token')).body).toMatchObject({ Name: 'made-on-a', Role: 'viewer' });
    // B lists it as one made over the API.
    const listed = await adminCall(b.url as string, 'GET', '/v1/admin/tokens');
    expect(
      (listed.body.Tokens as { Name: string; Source: string }[]).find((t) => t.Name === 'made-on-a'),
    ).toMatchObject({
      Source: 'api',
      CreatedBy: ADMIN.Name,
    });

    const view = await adminCall(a.url as string, 'GET', '/v1/admin/tokens/made-on-a');
    const deleted = await adminCall(a.url as string, 'DELETE', '/v1/admin/tokens/made-on-a', {
      headers: { 'if-match': view.headers.get('etag') as string },
    });
    expect(deleted.status).toBe(200);
    expect((await adminCall(a.url as string, 'GET', '/v1/admin/token', { token })).status).toBe(401);
    const closed = await within(
      1000,
      'B refuses the deleted token',
      async () => (await onB('/v1/admin/token')).status === 401,
    );
    console.log(`B refused the token deleted on A after ${closed} ms`);
    expect(await auditOf(a)).toEqual(
      expect.arrayContaining(['ada create admin-token', 'ada delete admin-token']),
    );
    // Its Name is taken on B too while it exists, and free again once deleted.
    const again = await adminCall(b.url as string, 'POST', '/v1/admin/tokens', {
      body: { Name: 'made-on-a', Role: 'viewer' },
    });
    expect(again.status).toBe(201);
    // The file may not take a stored token's Name: a reload (SIGHUP's path) and a start are refused whole.
    const taking = testDocument(url, {
      adminTokens: [ADMIN, EDITOR, { Name: 'made-on-a', Token: 'file-token-0123456789', Role: 'viewer' }],
      organizations: [organization(ORG, [])],
    });
    await expect(a.reload(parseConfigDocument(taking))).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: '$.Gateway.AdminTokens[2].Name' })],
    });
    await expect(start(taking)).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: '$.Gateway.AdminTokens[2].Name' })],
    });
    const clash = await adminCall(a.url as string, 'POST', '/v1/admin/tokens', {
      body: { Name: 'made-on-a', Role: 'admin' },
    });
    expect(clash.status).toBe(409);
  });

  it('at start and on SIGHUP the file applies only when its Organizations differ from those last applied, audited as document; an in-process reload applies always', async () => {
    const url = await server.createDatabase();
    const document = documentAt(url, ['http://127.0.0.1:9/from-file']);
    const first = await start(document);
    const list = await adminCall(first.url as string, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    const [hook] = list.body.Items as { WebhookId: string }[];
    const path = `/v1/admin/organizations/${ORG}/webhooks/${hook?.WebhookId}`;
    const read = await adminCall(first.url as string, 'GET', path);
    const edited = await adminCall(first.url as string, 'PATCH', path, {
      token: EDITOR.Token,
      body: { Description: 'made over the API' },
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    expect(edited.status).toBe(200);
    const auditBefore = await auditOf(first);
    await stop(first);

    // The same file again: the store keeps the API's change, and nothing is written.
    const same = await start(document);
    expect((await adminCall(same.url as string, 'GET', path)).body.Description).toBe('made over the API');
    expect(await auditOf(same)).toEqual(auditBefore);
    await stop(same);

    // A changed file: applied as desired state (the API's Description goes), audited as `document`.
    const changed = documentAt(url, ['http://127.0.0.1:9/from-file', 'http://127.0.0.1:9/added']);
    const next = await start(changed);
    const webhooks = await adminCall(next.url as string, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    expect(
      (webhooks.body.Items as { Endpoint: string; Description: string | null }[]).map((w) => [
        w.Endpoint,
        w.Description,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['http://127.0.0.1:9/from-file', null],
        ['http://127.0.0.1:9/added', null],
      ]),
    );
    const added = (await auditOf(next)).slice(auditBefore.length);
    expect(added).toEqual(expect.arrayContaining(['document create webhook', 'document update webhook']));
    expect(added.every((line) => line.startsWith('document '))).toBe(true);

    // SIGHUP with the same Organizations and a rotated token: the API's change stays (as on SQLite).
    const again = await adminCall(next.url as string, 'GET', path);
    await adminCall(next.url as string, 'PATCH', path, {
      token: EDITOR.Token,
      body: { Description: 'made over the API again' },
      headers: { 'if-match': again.headers.get('etag') as string },
    });
    const rotated = testDocument(url, {
      adminTokens: [ADMIN, { ...EDITOR, Token: 'rotated-editor-token-0123456789' }],
      organizations: (changed as { Organizations: unknown[] }).Organizations,
    });
    const file = writeConfig(tempDir(), rotated);
    expect(await next.configuration.reloadFile({ GATEWAY_CONFIG: file })).toEqual([]);
    expect((await adminCall(next.url as string, 'GET', path)).body.Description).toBe(
      'made over the API again',
    );
    expect((await adminCall(next.url as string, 'GET', path, { token: EDITOR.Token })).status).toBe(401);
    // SIGHUP with changed Organizations applies them; an in-process reload applies always.
    writeConfig(dirname(file), documentAt(url, ['http://127.0.0.1:9/from-file']));
    expect(await next.configuration.reloadFile({ GATEWAY_CONFIG: file })).not.toEqual([]);
    expect((await adminCall(next.url as string, 'GET', path)).body.Description).toBeNull();
    const third = await adminCall(next.url as string, 'GET', path);
    const thirdEdit = await adminCall(next.url as string, 'PATCH', path, {
      body: { Description: 'made over the API a third time' },
      headers: { 'if-match': third.headers.get('etag') as string },
    });
    expect(thirdEdit.status).toBe(200);
    await next.reload(parseConfigDocument(documentAt(url, ['http://127.0.0.1:9/from-file'])));
    expect((await adminCall(next.url as string, 'GET', path)).body.Description).toBeNull();
    rmSync(dirname(file), { recursive: true, force: true });
  });

  it('of several instances starting together, one applies a new document and the others find it applied; an unchanged one leaves API changes', async () => {
    const url = await server.createDatabase();
    const document = documentAt(url, ['http://127.0.0.1:9/together']);
    await Promise.all([start(document), start(document), start(document)]);
    const [a] = running as [RunningPgGateway];
    const lines = await auditOf(a);
    expect(lines.filter((l) => l === 'document create webhook')).toHaveLength(1);
    expect(lines.filter((l) => l === 'document create organization')).toHaveLength(1);
    const [hook] = (await adminCall(a.url as string, 'GET', `/v1/admin/organizations/${ORG}/webhooks`)).body
      .Items as { WebhookId: string }[];
    const path = `/v1/admin/organizations/${ORG}/webhooks/${hook?.WebhookId}`;
    const read = await adminCall(a.url as string, 'GET', path);
    const paused = await adminCall(a.url as string, 'PATCH', path, {
      token: EDITOR.Token,
      body: { Enabled: false },
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    expect(paused.status).toBe(200);
    const before = await auditOf(a);
    await Promise.all(running.splice(0).map((g) => g.stop()));

    // The same document, three at once: the API's pause stays, nothing is written.
    await Promise.all([start(document), start(document), start(document)]);
    const [b] = running as [RunningPgGateway];
    expect((await adminCall(b.url as string, 'GET', path)).body.Enabled).toBe(false);
    expect(await auditOf(b)).toEqual(before);
    await Promise.all(running.splice(0).map((g) => g.stop()));

    // A changed document, three at once: applied once, and every instance routes with it.
    const changed = documentAt(url, ['http://127.0.0.1:9/together', 'http://127.0.0.1:9/later']);
    await Promise.all([start(changed), start(changed), start(changed)]);
    const after = (await auditOf(running[0] as RunningPgGateway)).slice(before.length);
    expect(after.filter((l) => l === 'document create webhook')).toHaveLength(1);
    expect(after.filter((l) => l === 'document update webhook')).toHaveLength(1);
    for (const gateway of running) expect(await matched(gateway)).toBe(2);
  });
});
