import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../src/config/index.js';
import { ADMIN, adminCall, EDITOR } from '../support/admin.js';
import { ORG, organization, type TestGateway, testDocument } from '../support/gateway.js';
import {
  CONSOLE_ENDPOINT,
  consoleGateway,
  postForm,
  postSignIn as postSignInOver,
  signIn as signInOver,
} from './http-session.js';
import { csrfOf } from './stand-in-api.js';

/**
 * The console over the real gateway (real SQLite file, loopback HTTP), without a browser: what a page
 * left open answers once someone else has changed the world under it.
 */
const ENDPOINT = CONSOLE_ENDPOINT;

function document(dbFile: string, adminTokens: unknown[], gateway: Record<string, unknown> = {}) {
  const doc = testDocument(dbFile, {
    adminTokens,
    organizations: [organization(ORG, [{ endpoint: ENDPOINT }])],
  });
  return parseConfigDocument({ ...doc, Gateway: { ...(doc.Gateway as object), ...gateway } });
}

describe('a console page left open while someone else changes things', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await consoleGateway();
    url = gateway.url as string;
  });
  afterAll(() => gateway.cleanup());

  const postSignIn = (token: string) => postSignInOver(url, token);
  const signIn = (token: string) => signInOver(url, token);

  const get = (path: string, cookie: string) =>
    fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
  const post = (path: string, cookie: string, form: Record<string, string>) =>
    postForm(url, path, cookie, form);

  async function webhooks(): Promise<{ WebhookId: string; Endpoint: string }[]> {
    const list = await adminCall(url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    return list.body.Items as { WebhookId: string; Endpoint: string }[];
  }

  it('says a webhook deleted meanwhile is gone, at every action of its page, and changes nothing', async () => {
    const cookie = await signIn(EDITOR.Token);
    const created = await adminCall(url, 'POST', `/v1/admin/organizations/${ORG}/webhooks`, {
      body: { Endpoint: 'http://127.0.0.1:9/doomed', Enabled: true },
    });
    expect(created.status).toBe(201);
    const id = created.body.WebhookId as string;
    const subscribed = await adminCall(
      url,
      'POST',
      `/v1/admin/organizations/${ORG}/webhooks/${id}/subscriptions`,
      { body: { EventType: 'UserStatus', AllEntities: true } },
    );
    expect(subscribed.status).toBe(201);
    const base = `/console/organizations/${ORG}/webhooks/${id}`;
    const opened = await get(base, cookie);
    expect(opened.status).toBe(200);
    const html = await opened.text();
    const _csrf = csrfOf(html);
    const etag = /name="etag" value="([^"]*)"/.exec(html)?.[1] ?? '';
    const shown = /name="Shown" value="([^"]*)"/.exec(html)?.[1]?.replaceAll('&quot;', '"') ?? '';
    const subscription = /subscriptions\/([0-9a-f-]{36})\/enabled/.exec(html)?.[1];
    expect(etag).not.toBe('');
    expect(shown).toContain('UserStatus');
    expect(subscription).toBe(subscribed.body.SubscriptionId);

    // Someone else deletes it while the page is open.
    const removed = await adminCall(url, 'DELETE', `/v1/admin/organizations/${ORG}/webhooks/${id}`, {
      headers: { 'if-match': created.headers.get('etag') ?? '' },
    });
    expect(removed.status).toBe(204);
    const before = gateway.rows('SELECT count(*) AS n FROM audit_log');

    const actions: [string, Record<string, string>][] = [
      ['/settings', { _csrf, etag, Endpoint: 'http://127.0.0.1:9/back', TimeoutSeconds: '5' }],
      ['/enabled', { _csrf, etag, Enabled: 'false' }],
      ['/secret', { _csrf, Secret: 'a-new-secret-0123456789' }],
      ['/subscriptions', { _csrf, EventType: 'UserStatus', Target: 'AllEntities' }],
      [`/subscriptions/${subscription}/enabled`, { _csrf, Shown: shown, Enabled: 'false' }],
      [`/subscriptions/${subscription}/delete`, { _csrf, Shown: shown }],
      ['/test', { _csrf, EventType: 'UserStatus' }],
    ];
    for (const [path, form] of actions) {
      const answer = await post(`${base}${path}`, cookie, form);
      const page = await answer.text();
      expect([path, answer.status]).toEqual([path, 404]);
      expect(page).toContain('is not there any more: someone may have deleted it since this page was');
      expect(page).toContain('Nothing was changed.');
      expect(page).toContain(`href="/console/organizations/${ORG}"`);
      expect(page).not.toMatch(/at \w+ \(|Error:|stack/i);
    }
    for (const path of [base, `${base}/tail`]) {
      const page = await get(path, cookie);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain('is not there any more');
    }
    expect((await webhooks()).map((w) => w.WebhookId)).not.toContain(id);
    expect(gateway.rows('SELECT count(*) AS n FROM audit_log')).toEqual(before);
  });

  it('signs out a session whose token a reload removed, at its next page or action, changing nothing', async () => {
    const cookie = await signIn(EDITOR.Token);
    const page = await get(`/console/organizations/${ORG}`, cookie);
    expect(page.status).toBe(200);
    const _csrf = csrfOf(await page.text());

    gateway.reload(document(gateway.dbFile, [ADMIN]));

    // The form still on the screen is posted: the session ends instead, and nothing is created.
    const create = await post(`/console/organizations/${ORG}/webhooks`, cookie, {
      _csrf,
      Endpoint: 'http://127.0.0.1:9/after-revoke',
      TimeoutSeconds: '5',
    });
    expect(create.status).toBe(303);
    expect(create.headers.get('location')).toBe('/console/sign-in');
    expect(create.headers.get('set-cookie')).toMatch(/gateway_console=;.*Max-Age=0/);
    expect((await webhooks()).map((w) => w.Endpoint)).not.toContain('http://127.0.0.1:9/after-revoke');
    // The session is gone, not only refused once.
    const after = await get(`/console/organizations/${ORG}`, cookie);
    expect(after.headers.get('location')).toBe('/console/sign-in');
    // And the removed token signs in no more.
    const again = await postSignIn(EDITOR.Token);
    expect(again.status).toBe(401);
    gateway.reload(document(gateway.dbFile, [ADMIN, EDITOR]));
  });

  it('takes the scheme from X-Forwarded-Proto only once Gateway.Console.TrustForwardedProto says so', async () => {
    const cookieFlags = async () =>
      (await fetch(`${url}/console/sign-in`, { headers: { 'x-forwarded-proto': 'https' } })).headers.get(
        'set-cookie',
      ) ?? '';
    expect(await cookieFlags()).not.toMatch(/Secure/i);
    gateway.reload(document(gateway.dbFile, [ADMIN, EDITOR], { Console: { TrustForwardedProto: true } }));
    expect(await cookieFlags()).toMatch(/;\s*Secure/i);
    gateway.reload(document(gateway.dbFile, [ADMIN, EDITOR]));
    expect(await cookieFlags()).not.toMatch(/Secure/i);
  });
});
