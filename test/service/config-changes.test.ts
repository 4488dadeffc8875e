import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigDocument } from '../../src/config/index.js';
import { specEvent } from '../support/events.js';
import {
  ORG,
  organization,
  startTestGateway,
  type TestConfig,
  type TestGateway,
  TOKEN,
  testDocument,
  writeConfig,
} from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  open.push(r);
  return r;
}

async function gateway(config: TestConfig): Promise<TestGateway> {
  const gw = await startTestGateway(config);
  open.push({ close: () => gw.cleanup() });
  return gw;
}

/** Applies a new document to the running gateway, as SIGHUP does. */
const reload = (gw: TestGateway, config: TestConfig) =>
  gw.reload(parseConfigDocument(testDocument(gw.dbFile, config)));

const states = (gw: TestGateway) =>
  gw
    .rows<{ state: string; n: number }>(
      'SELECT state, count(*) AS n FROM deliveries GROUP BY state ORDER BY state',
    )
    .map((r) => `${r.state} ${r.n}`);

const idsOf = (r: Receiver) => r.requests.map((q) => (JSON.parse(q.body) as { Id: string }).Id);

const WEBHOOK_A = '3b8e3f7c-1d2a-4c5b-9e6f-7a8b9c0d1e2f';
const WEBHOOK_B = '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f';

describe('configuration changes while the gateway runs', () => {
  it('deletes a webhook whose attempt is in flight: its outcome is recorded, waiting deliveries cancelled, other retries on time', async () => {
    const hanging = await receiver({ hang: true });
    let calls = 0;
    const flaky = await receiver({ status: () => (++calls <= 2 ? 500 : 200) });
    const both = (withHanging: boolean) => ({
      delivery: { RetryScheduleSeconds: [0.2, 0.2], MaxInFlightPerEndpoint: 1 },
      organizations: [
        organization(ORG, [
          ...(withHanging ? [{ endpoint: `${hanging.url}/a`, webhook: { TimeoutSeconds: 0.5 } }] : []),
          { endpoint: `${flaky.url}/b` },
        ]),
      ],
    });
    const gw = await gateway(both(true));
    const first = specEvent('UserStatus', ORG);
    const second = specEvent('UserStatus', ORG);
    await gw.publisher.publishBatch([first, second]);
    await hanging.waitFor(1); // the first event's attempt hangs; the second waits behind it
    await flaky.waitFor(2); // failed once, retried

    const changes = reload(gw, both(false));
    expect(changes.map((c) => `${c.op} ${c.kind}`)).toEqual(['delete webhook']);
    // The other webhook's retries go on (its third attempt comes after the delete); the deleted one's
    // in-flight attempt times out and is recorded.
    await flaky.waitFor(3);
    await waitFor(
      () => gw.rows<{ n: number }>(`SELECT count(*) AS n FROM attempts`)[0]?.n === 5,
      'every attempt recorded',
    );
    await waitFor(() => states(gw).join() === 'cancelled 2,delivered 2', 'final states');
    expect(hanging.requests).toHaveLength(1);
    const timedOut = gw.rows<{ error_class: string }>(
      `SELECT a.error_class FROM attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN webhooks w ON w.id = d.webhook_id
        WHERE w.endpoint LIKE '%/a'`,
    );
    expect(timedOut).toEqual([{ error_class: 'timeout' }]);
    expect(gw.engine.snapshot().map((l) => l.webhookId)).not.toContain(
      gw.rows<{ id: number }>(`SELECT id FROM webhooks WHERE endpoint LIKE '%/a'`)[0]?.id,
    );
  });

  it('holds deliveries while a webhook is disabled and sends each once, in order, when it is enabled', async () => {
    const r = await receiver();
    const doc = (enabled: boolean) => ({
      // One request at a time, so arrival order is sending order.
      delivery: { MaxInFlightPerEndpoint: 1 },
      organizations: [organization(ORG, [{ endpoint: `${r.url}/hook`, webhook: { Enabled: enabled } }])],
    });
    const gw = await gateway(doc(true));
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await r.waitFor(1);

    expect(reload(gw, doc(false)).map((c) => c.detail)).toEqual(['Enabled true -> false']);
    const held = Array.from({ length: 20 }, () => specEvent('UserStatus', ORG));
    for (const event of held) await gw.publisher.publish(event);
    await waitFor(() => states(gw).join() === 'delivered 1,paused 20', 'held as paused');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.requests).toHaveLength(1);
    expect(gw.rows(`SELECT * FROM attempts`)).toHaveLength(1); // held deliveries are not charged

    reload(gw, doc(true));
    await r.waitFor(21);
    await waitFor(() => states(gw).join() === 'delivered 21', 'all delivered');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(idsOf(r).slice(1)).toEqual(held.map((e) => e.Id.toLowerCase()));
    expect(r.requests).toHaveLength(21);
  });

  it('expires every held delivery whose TTL passed while its webhook was disabled, batch after batch, when it is enabled', async () => {
    const r = await receiver();
    const doc = (enabled: boolean) => ({
      organizations: [organization(ORG, [{ endpoint: `${r.url}/hook`, webhook: { Enabled: enabled } }])],
    });
    const gw = await gateway(doc(false));
    // More than one claim's worth, so the engine's first claim comes back full of expired deliveries.
    const held = Array.from({ length: 300 }, () =>
      specEvent('UserStatus', ORG, undefined, { MessageTTLSeconds: 1 }),
    );
    await gw.publisher.publishBatch(held);
    await waitFor(() => states(gw).join() === 'paused 300', 'held as paused');
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    reload(gw, doc(true));
    await waitFor(() => states(gw).join() === 'expired 300', 'every held delivery expired', 5_000);
    expect(r.requests).toHaveLength(0);
  });

  it('keeps a webhook named by WebhookId when its Endpoint changes: its waiting retry goes to the new URL', async () => {
    const old = await receiver({ status: 503 });
    const moved = await receiver();
    const doc = (url: string) => ({
      delivery: { RetryScheduleSeconds: [0.3] },
      organizations: [organization(ORG, [{ endpoint: url, webhook: { WebhookId: WEBHOOK_A } }])],
    });
    const gw = await gateway(doc(`${old.url}/hook`));
    const event = specEvent('UserStatus', ORG);
    await gw.publisher.publish(event);
    await old.waitFor(1);
    const changes = reload(gw, doc(`${moved.url}/hook`));
    expect(changes.map((c) => `${c.op} ${c.kind} ${c.webhookId} (${c.detail})`)).toEqual([
      `update webhook ${WEBHOOK_A} (Endpoint ${old.url}/hook -> ${moved.url}/hook)`,
    ]);
    await moved.waitFor(1);
    await waitFor(() => states(gw).join() === 'delivered 1', 'delivered at the new URL');
    const history = gw.rows<{ status_code: number }>(`SELECT status_code FROM attempts ORDER BY attempt_no`);
    expect(history.map((a) => a.status_code)).toEqual([503, 200]);
    expect(gw.rows(`SELECT webhook_id FROM webhooks`)).toEqual([{ webhook_id: WEBHOOK_A }]);
    expect(old.requests).toHaveLength(1);
  });

  it('reaches the running gateway when `gateway import` changes its database from another process', async () => {
    const r = await receiver();
    const gw = await gateway({ organizations: [organization(ORG, [])] });
    const first = await gw.publisher.publish(specEvent('UserStatus', ORG));
    expect(first.Matched).toBe(0);

    const file = writeConfig(
      gw.dir,
      testDocument(gw.dbFile, {
        organizations: [
          organization(ORG, [{ endpoint: `${r.url}/hook`, webhook: { WebhookId: WEBHOOK_B } }]),
        ],
      }),
    );
    const imported = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', file]);
    expect(imported.stdout).toContain(`create webhook ${WEBHOOK_B} ${r.url}/hook`);
    const startedAt = Date.now();
    const matched = await waitFor(async () => {
      const result = await gw.publisher.publish(specEvent('UserStatus', ORG));
      return result.Matched === 1 ? Date.now() - startedAt : undefined;
    }, 'routing to follow the import');
    // The gateway polls the store's configuration revision every 250 ms.
    expect(matched).toBeLessThan(1000);
    await r.waitFor(1);
  });

  it('applies the Gateway section on reload and refuses a changed Listen, changing nothing', async () => {
    const r = await receiver();
    const gw = await gateway({ producerTokens: [TOKEN] });
    const post = (token: string) =>
      fetch(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(specEvent('UserStatus', ORG)),
      });
    expect((await post(TOKEN)).status).toBe(202);

    reload(gw, { producerTokens: ['rotated-token'] });
    expect((await post(TOKEN)).status).toBe(401);
    expect((await post('rotated-token')).status).toBe(202);

    const moved = parseConfigDocument({
      ...testDocument(gw.dbFile, {
        producerTokens: ['third-token'],
        organizations: [organization(ORG, [{ endpoint: `${r.url}/hook` }])],
      }),
      Gateway: {
        ...(testDocument(gw.dbFile).Gateway as object),
        Listen: '127.0.0.1:1',
        ProducerTokens: ['third-token'],
      },
    });
    expect(() => gw.reload(moved)).toThrow(ConfigError);
    expect(() => gw.reload(moved)).toThrow(
      /\$\.Gateway\.Listen: changed from "127\.0\.0\.1:0" to "127\.0\.0\.1:1": a restart is needed/,
    );
    expect((await post('rotated-token')).status).toBe(202);
    expect(gw.rows('SELECT * FROM webhooks')).toEqual([]);
  });

  it('reads, validates and applies a reloaded file off the event loop, refusing a bad one whole', async () => {
    const r = await receiver();
    const gw = await gateway({ organizations: [organization(ORG, [])] });
    const env = (document: Record<string, unknown>) => ({
      ...process.env,
      GATEWAY_CONFIG: writeConfig(gw.dir, document),
    });
    const good = testDocument(gw.dbFile, {
      organizations: [organization(ORG, [{ endpoint: `${r.url}/hook` }])],
    });
    const bad = {
      ...good,
      Gateway: { ...(good.Gateway as object), Listen: '127.0.0.1:1' },
      Organizations: [organization(ORG, [{ endpoint: `${r.url}/other` }])],
    };
    await expect(gw.configuration.reloadFile(env(bad))).rejects.toThrow(/\$\.Gateway\.Listen: changed from/);
    expect(gw.rows('SELECT * FROM webhooks')).toEqual([]);
    const invalid = testDocument(gw.dbFile, {
      organizations: [organization(ORG, [{ endpoint: `${r.url}/hook`, webhook: { TimeoutSeconds: -1 } }])],
    });
    await expect(gw.configuration.reloadFile(env(invalid))).rejects.toBeInstanceOf(ConfigError);
    expect(gw.rows('SELECT * FROM webhooks')).toEqual([]);

    const changes = await gw.configuration.reloadFile(env(good));
    expect(changes.map((c) => `${c.op} ${c.kind}`)).toEqual(['create webhook', 'create subscription']);
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await r.waitFor(1);
  });

  it('holds a retry already waiting when its webhook is disabled, and sends it when enabled', async () => {
    let calls = 0;
    const r = await receiver({ status: () => (++calls === 1 ? 500 : 200) });
    const doc = (enabled: boolean) => ({
      delivery: { RetryScheduleSeconds: [0.5] },
      organizations: [organization(ORG, [{ endpoint: `${r.url}/hook`, webhook: { Enabled: enabled } }])],
    });
    const gw = await gateway(doc(true));
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await waitFor(() => states(gw).join() === 'retrying 1', 'waiting for its retry');
    reload(gw, doc(false));
    expect(states(gw)).toEqual(['paused 1']);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(r.requests).toHaveLength(1);
    reload(gw, doc(true));
    await waitFor(() => states(gw).join() === 'delivered 1', 'delivered once enabled');
    expect(r.requests).toHaveLength(2);
  });

  it('applies the Delivery.Allow* flags on reload to the next attempts', async () => {
    const r = await receiver();
    const doc = (allowPrivate: boolean) => ({
      delivery: { AllowPrivateNetworks: allowPrivate },
      organizations: [organization(ORG, [{ endpoint: `http://localhost:${r.port}/hook` }])],
    });
    const gw = await gateway(doc(true));
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await r.waitFor(1);
    reload(gw, doc(false));
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await waitFor(
      () =>
        gw.rows<{ c: string }>(`SELECT error_class AS c FROM attempts WHERE error_class IS NOT NULL`)[0]?.c,
      'the second attempt refused',
    );
    expect(gw.rows(`SELECT error_class FROM attempts WHERE error_class IS NOT NULL`)).toEqual([
      { error_class: 'blocked-by-policy' },
    ]);
    expect(r.requests).toHaveLength(1);
  });

  it('stops routing by a group the document deletes, and a group declared again with that id starts empty', async () => {
    const group = randomUUID();
    const member = randomUUID();
    const doc = (withGroup: boolean) => ({
      organizations: [
        organization(
          ORG,
          withGroup
            ? [
                {
                  endpoint: 'http://127.0.0.1:9/a',
                  subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: group }],
                },
              ]
            : [
                {
                  endpoint: 'http://127.0.0.1:9/a',
                  subscriptions: [{ EventType: 'UserStatus', EntityId: randomUUID() }],
                },
              ],
          withGroup ? [{ SecurityGroupId: group, EntityIds: [member] }] : [],
        ),
      ],
    });
    const gw = await gateway(doc(true));
    const matched = () =>
      gw.router.match({ organizationId: ORG, eventType: 'UserStatus', entityId: member }).length;
    expect(matched()).toBe(1);
    reload(gw, doc(false));
    expect(matched()).toBe(0);
    // The group comes back without members of its own (producers maintain them): the old member is gone.
    reload(gw, {
      organizations: [
        organization(
          ORG,
          [
            {
              endpoint: 'http://127.0.0.1:9/a',
              subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: group }],
            },
          ],
          [{ SecurityGroupId: group }],
        ),
      ],
    });
    expect(matched()).toBe(0);
  });

  it('applies a new retry schedule on reload to the next retries', async () => {
    const r = await receiver({ status: 500 });
    const doc = (schedule: number[]) => ({
      delivery: { RetryScheduleSeconds: schedule },
      organizations: [organization(ORG, [{ endpoint: `${r.url}/hook` }])],
    });
    const gw = await gateway(doc([3600]));
    reload(gw, doc([0.05, 0.05]));
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    await r.waitFor(3);
    await waitFor(() => states(gw).join() === 'discarded 1', 'discarded after the new schedule');
  });

  it('refuses a producer PUT to a group whose members the document lists, with 409 naming the document', async () => {
    const group = randomUUID();
    const member = randomUUID();
    const gw = await gateway({
      organizations: [organization(ORG, [], [{ SecurityGroupId: group, EntityIds: [member] }])],
    });
    const response = await fetch(`${gw.url}/v1/organizations/${ORG}/security-groups/${group}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ EntityIds: [randomUUID()] }),
    });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { Error: { Code: string; Message: string } };
    expect(body.Error.Code).toBe('CONFLICT');
    expect(body.Error.Message).toMatch(/configuration document/);
    expect(gw.rows('SELECT entity_id FROM security_group_members')).toEqual([{ entity_id: member }]);
  });

  it('applies group PUTs that overlap to the routing one after the other, the last one winning', async () => {
    const group = randomUUID();
    const gw = await gateway({
      organizations: [
        organization(
          ORG,
          [
            {
              endpoint: 'http://127.0.0.1:9/hook',
              subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: group }],
            },
          ],
          [{ SecurityGroupId: group }],
        ),
      ],
    });
    const first = Array.from({ length: 100_000 }, () => randomUUID());
    // Nearly the same list: stored quickly, while the first is still being applied to the routing in steps.
    const dropped = first.slice(-10);
    const second = [...first.slice(0, -10), randomUUID()];
    await Promise.all([
      gw.publisher.replaceSecurityGroupMembers(ORG, group, first),
      gw.publisher.replaceSecurityGroupMembers(ORG, group, second),
    ]);
    const matched = (entityId: string) =>
      gw.router.match({ organizationId: ORG, eventType: 'UserStatus', entityId }).length;
    expect(dropped.filter((id) => matched(id) > 0)).toHaveLength(0);
    expect(second.filter((id) => matched(id) === 0)).toHaveLength(0);
    expect(gw.rows<{ n: number }>('SELECT count(*) AS n FROM security_group_members')[0]?.n).toBe(99_991);
  });

  it('applies other changes at once while a large group PUT is still reaching the routing', async () => {
    const group = randomUUID();
    const doc = (withB: boolean) => ({
      organizations: [
        organization(
          ORG,
          [
            {
              endpoint: 'http://127.0.0.1:9/a',
              subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: group }],
            },
            ...(withB ? [{ endpoint: 'http://127.0.0.1:9/b' }] : []),
          ],
          [{ SecurityGroupId: group }],
        ),
      ],
    });
    const gw = await gateway(doc(true));
    const matched = () =>
      gw.router.match({ organizationId: ORG, eventType: 'UserStatus', entityId: randomUUID() }).length;
    expect(matched()).toBe(1);
    const puts = [1, 2].map(() =>
      gw.publisher.replaceSecurityGroupMembers(
        ORG,
        group,
        Array.from({ length: 100_000 }, () => randomUUID()),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    reload(gw, doc(false)); // deletes webhook b while the PUTs are under way
    expect(matched()).toBe(0);
    await Promise.all(puts);
    expect(matched()).toBe(0);
  });

  it('loads the same receiver written two ways once, and refuses the document naming both paths', () => {
    const problems = () =>
      parseConfigDocument(
        testDocument(':memory:', {
          organizations: [
            organization(ORG, [
              { endpoint: 'https://x.example/hook' },
              { endpoint: 'HTTPS://X.EXAMPLE:443/hook' },
            ]),
          ],
        }),
      );
    expect(problems).toThrow(
      /Webhooks\[1\]\.Webhook\.Endpoint: duplicate Endpoint "HTTPS:\/\/X\.EXAMPLE:443\/hook" \(first at \$\.Organizations\[0\]\.Webhooks\[0\]\.Webhook\.Endpoint\)/,
    );
  });
});
