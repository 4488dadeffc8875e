import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, codeOf, EDITOR, VIEWER } from '../../support/admin.js';
import { specEvent } from '../../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway, TOKEN } from '../../support/gateway.js';
import { type Receiver, startReceiver } from '../../support/receiver.js';

const base = `/v1/admin/organizations/${ORG}/webhooks`;

describe('admin API: webhooks', () => {
  let gateway: TestGateway;
  let url: string;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    gateway = await startTestGateway({
      adminTokens: [ADMIN, EDITOR, VIEWER],
      organizations: [organization(ORG, [])],
    });
    url = gateway.url as string;
  });
  afterAll(async () => {
    await gateway.cleanup();
    await receiver.close();
  });

  const publish = (event: unknown) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });

  it('creates a webhook that routes at once, shows HasSecret and never the Secret, and audits it', async () => {
    const created = await adminCall(url, 'POST', base, {
      token: EDITOR.Token,
      body: { Endpoint: receiver.url, Secret: 's3cret-value', Description: 'CRM' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      Endpoint: receiver.url,
      HasSecret: true,
      Description: 'CRM',
      Enabled: true,
    });
    expect(JSON.stringify(created.body)).not.toContain('s3cret-value');
    const webhookId = created.body.WebhookId as string;
    expect(created.headers.get('etag')).toMatch(/^"[\w-]+"$/);

    const subscribed = await adminCall(url, 'POST', `${base}/${webhookId}/subscriptions`, {
      token: EDITOR.Token,
      body: { EventType: 'UserStatus', AllEntities: true },
    });
    expect(subscribed.status).toBe(201);
    const event = specEvent('UserStatus', ORG);
    expect((await publish(event)).status).toBe(202);
    const [request] = await receiver.waitFor(1);
    expect(request?.headers['x-benemen-token']).toBe('s3cret-value');

    const audit = await adminCall(url, 'GET', `/v1/admin/audit?OrganizationId=${ORG}&Resource=webhook`);
    const entry = (audit.body.Items as Record<string, unknown>[]).find((e) => e.ResourceId === webhookId);
    expect(entry).toMatchObject({
      Actor: 'eddie',
      Action: 'create',
      Before: null,
      After: { HasSecret: true },
    });
    expect(JSON.stringify(audit.body)).not.toContain('s3cret-value');
  });

  it('pauses and edits with If-Match: 428 without, 412 when stale; the document names the bad field', async () => {
    const list = await adminCall(url, 'GET', base, { token: VIEWER.Token });
    const webhook = (list.body.Items as Record<string, unknown>[])[0] as Record<string, unknown>;
    const one = `${base}/${webhook.WebhookId}`;
    const read = await adminCall(url, 'GET', one, { token: VIEWER.Token });
    const etag = read.headers.get('etag') as string;

    const missing = await adminCall(url, 'PATCH', one, { token: EDITOR.Token, body: { Enabled: false } });
    expect([missing.status, codeOf(missing)]).toEqual([428, 'PRECONDITION_REQUIRED']);
    const viewer = await adminCall(url, 'PATCH', one, {
      token: VIEWER.Token,
      body: { Enabled: false },
      headers: { 'if-match': etag },
    });
    expect([viewer.status, codeOf(viewer)]).toEqual([403, 'FORBIDDEN']);
    const bad = await adminCall(url, 'PATCH', one, {
      token: EDITOR.Token,
      body: { TimeoutSeconds: 600, Endpoint: 'ftp://x/' },
      headers: { 'if-match': etag },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.Error as { Problems: { Path: string }[] }).Problems.map((p) => p.Path).sort()).toEqual([
      '$.Endpoint',
      '$.TimeoutSeconds',
    ]);

    const paused = await adminCall(url, 'PATCH', one, {
      token: EDITOR.Token,
      body: { Enabled: false },
      headers: { 'if-match': etag },
    });
    expect([paused.status, paused.body.Enabled]).toEqual([200, false]);
    expect(paused.headers.get('etag')).not.toBe(etag);
    const stale = await adminCall(url, 'PATCH', one, {
      token: EDITOR.Token,
      body: { Enabled: true },
      headers: { 'if-match': etag },
    });
    expect([stale.status, codeOf(stale)]).toEqual([412, 'PRECONDITION_FAILED']);

    // Paused: the event is recorded and held, not sent.
    const before = receiver.requests.length;
    expect((await publish(specEvent('UserStatus', ORG))).status).toBe(202);
    const held = gateway.rows<{ state: string }>(
      'SELECT d.state FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.webhook_id = ? ORDER BY d.id DESC LIMIT 1',
      webhook.WebhookId,
    );
    expect(held[0]?.state).toBe('paused');
    const resumed = await adminCall(url, 'PATCH', one, {
      token: EDITOR.Token,
      body: { Enabled: true },
      headers: { 'if-match': paused.headers.get('etag') as string },
    });
    expect(resumed.status).toBe(200);
    await receiver.waitFor(before + 1);
  });

  it('rotates the secret write-only, and deletes with If-Match', async () => {
    const list = await adminCall(url, 'GET', base);
    const webhook = (list.body.Items as Record<string, unknown>[])[0] as Record<string, unknown>;
    const one = `${base}/${webhook.WebhookId}`;
    const etag = (await adminCall(url, 'GET', one)).headers.get('etag') as string;
    const rotated = await adminCall(url, 'POST', `${one}/secret`, {
      token: EDITOR.Token,
      body: { Secret: 'next-one' },
    });
    expect([rotated.status, rotated.body.HasSecret]).toEqual([200, true]);
    expect(rotated.headers.get('etag')).not.toBe(etag);
    const audit = await adminCall(url, 'GET', `/v1/admin/audit?Resource=webhook&Limit=1`);
    expect((audit.body.Items as unknown[])[0]).toMatchObject({
      Action: 'update',
      After: { SecretChanged: true },
    });
    expect(JSON.stringify(audit.body)).not.toContain('next-one');

    const stale = await adminCall(url, 'DELETE', one, { token: EDITOR.Token, headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    const deleted = await adminCall(url, 'DELETE', one, {
      token: EDITOR.Token,
      headers: { 'if-match': rotated.headers.get('etag') as string },
    });
    expect(deleted.status).toBe(204);
    expect((await adminCall(url, 'GET', one)).status).toBe(404);
  });
});
