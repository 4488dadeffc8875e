import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, EDITOR, VIEWER } from '../support/admin.js';
import { ORG, OTHER_ORG, organization } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { hasChromium, sayWhySkipped } from './browser.js';
import { type ConsoleHarness, reloadUntil, startConsole } from './e2e.js';

sayWhySkipped();

const SCOPED = {
  Name: 'otto',
  Token: 'scoped-editor-token-0123456789',
  Role: 'editor',
  Organizations: [ORG],
};

describe.skipIf(!hasChromium)('the support console end to end (real gateway, Chromium)', () => {
  let h: ConsoleHarness;
  let receiver: Receiver;
  let other: Receiver;
  let editor: Page;
  let webhookUrl = '';
  let webhookId = '';

  const publish = () => h.publish();

  beforeAll(async () => {
    receiver = await startReceiver();
    other = await startReceiver();
    h = await startConsole({
      adminTokens: [ADMIN, EDITOR, VIEWER, SCOPED],
      organizations: [
        organization(ORG, []),
        organization(OTHER_ORG, [
          { endpoint: `${other.url}/other`, webhook: { Description: 'Other tenant' } },
        ]),
      ],
    });
    editor = (await h.signIn(EDITOR.Token)).page;
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await other?.close();
  });

  it('creates a webhook (showing the API problem beside its field) and a subscription from the catalogue', async () => {
    await editor.goto(`${h.url}/console/organizations/${ORG}`);
    const form = editor.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Endpoint').fill('ftp://example.com/hook');
    await form.getByLabel('Description').fill('CRM');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await expect(editor.locator('#Endpoint-error').textContent()).resolves.toMatch(/\S/);

    await form.getByLabel('Endpoint').fill(`${receiver.url}/hook`);
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await editor.waitForURL(/\/webhooks\/[0-9a-f-]{36}/);
    webhookUrl = editor.url().split('?')[0] as string;
    webhookId = webhookUrl.split('/').pop() as string;
    await expect(editor.getByRole('status').first().textContent()).resolves.toContain('Webhook created.');

    const add = editor.getByRole('form', { name: 'Add subscription' });
    await add.getByLabel('EventType').fill('UserStatus');
    await add.getByRole('button', { name: 'Add subscription' }).click();
    await editor.waitForURL(/notice=/);
    await expect(editor.getByRole('table', { name: 'Subscriptions' }).textContent()).resolves.toContain(
      'UserStatus',
    );
    await h.screenshot(editor, 'webhook');
  });

  it('finds an event published over the producer API in the deliveries list and in its trace', async () => {
    const id = await publish();
    await receiver.waitFor(1);
    await editor.goto(webhookUrl);
    await reloadUntil(editor, 'table[aria-label="Deliveries"]', 'delivered');
    await editor.getByRole('link', { name: id }).click();
    await editor.waitForURL(new RegExp(`/console/events/${id}`));
    const delivery = editor.locator('section[data-delivery]');
    await expect(delivery.textContent()).resolves.toContain('delivered');
    await expect(delivery.locator('ol.timeline').textContent()).resolves.toContain('HTTP 200');
    await h.screenshot(editor, 'event-trace');
  });

  it('shows a 503 attempt, and Redeliver once the receiver answers 200 shows it delivered', async () => {
    receiver.setStatus(503);
    const before = receiver.requests.length;
    const id = await publish();
    // The test schedule retries twice, 50 ms apart: three attempts, then discarded.
    await receiver.waitFor(before + 3);
    await editor.goto(`${h.url}/console/events/${id}`);
    await reloadUntil(editor, 'section[data-delivery] h3', 'discarded');
    await expect(editor.locator('ol.timeline').textContent()).resolves.toContain('HTTP 503');
    const failing = async () => {
      const page = await editor.context().newPage();
      await page.goto(`${h.url}/console/organizations`);
      const count = await page
        .locator(`section[data-organization="${ORG}"] [data-count="failing"]`)
        .textContent();
      await page.close();
      return count;
    };
    expect(await failing()).toBe('1');
    receiver.setStatus(200);
    await editor.getByRole('button', { name: 'Redeliver' }).click();
    await editor.waitForURL(/notice=/);
    await reloadUntil(editor, 'section[data-delivery] h3', 'delivered');
    await expect(editor.locator('ol.timeline li').count()).resolves.toBe(4);
    expect(await failing()).toBe('0');
  });

  it('pause holds deliveries and resume sends them', async () => {
    await editor.goto(webhookUrl);
    await editor.getByRole('button', { name: 'Pause' }).click();
    await expect(editor.locator('[data-webhook-state]').textContent()).resolves.toContain('Paused');
    const before = receiver.requests.length;
    const id = await publish();
    await editor.goto(`${h.url}/console/events/${id}`);
    await reloadUntil(editor, 'section[data-delivery] h3', 'paused');
    expect(receiver.requests.length).toBe(before);
    // The organization counts the paused webhook and the delivery it holds.
    await editor.goto(`${h.url}/console/organizations`);
    const section = editor.locator(`section[data-organization="${ORG}"]`);
    await expect(section.locator('[data-count="paused"]').textContent()).resolves.toBe('1');
    await expect(section.locator('[data-count="waiting"]').textContent()).resolves.toBe('1');
    await expect(section.locator('[data-count="oldest"]').textContent()).resolves.toMatch(/^\d+ s$/);
    await editor.goto(webhookUrl);
    await editor.getByRole('button', { name: 'Resume' }).click();
    await receiver.waitFor(before + 1);
    await editor.goto(`${h.url}/console/events/${id}`);
    await reloadUntil(editor, 'section[data-delivery] h3', 'delivered');
  });

  it('recovers the discarded deliveries of a window: the count first, then a progress bar until done', async () => {
    receiver.setStatus(503);
    const before = receiver.requests.length;
    await publish();
    await publish();
    await receiver.waitFor(before + 6);
    await editor.goto(`${h.url}/console/events`);
    receiver.setStatus(200);
    await editor.goto(`${h.url}/console/recover?OrganizationId=${ORG}&WebhookId=${webhookId}`);
    await reloadUntil(editor, 'main', 'Count');
    const form = editor.getByRole('form', { name: 'Recover' });
    await form.getByLabel('discarded').check();
    await form.getByLabel('expired').uncheck();
    await form.getByRole('button', { name: 'Count' }).click();
    const count = editor.locator('[data-recover-count]');
    await expect(count.getAttribute('data-recover-count')).resolves.toBe('2');
    // The window starts an hour ago by default, in the browser's zone (Europe/Helsinki here), whatever the server's.
    const since = Date.parse((await count.locator('time').first().getAttribute('datetime')) as string);
    expect(Math.abs(Date.now() - 3600_000 - since)).toBeLessThan(120_000);
    await expect(form.getByLabel('Since (your time)').inputValue()).resolves.not.toBe('');
    await h.screenshot(editor, 'recover');
    await editor.getByRole('button', { name: 'Recover 2' }).click();
    await editor.waitForURL(/\/console\/jobs\//);
    // Locators, not page functions: the console's policy allows no eval, the test's included.
    await editor.locator('#job-label', { hasText: /^done/ }).waitFor();
    await expect(editor.locator('#job-label').textContent()).resolves.toBe('done: 2 of 2');
    const bar = editor.locator('progress');
    await expect(bar.getAttribute('value')).resolves.toBe('2');
    await expect(bar.getAttribute('max')).resolves.toBe('2');
    await receiver.waitFor(before + 8);
  });

  it('the simulator explains a non-match in words, and validates as you type', async () => {
    const entity = randomUUID();
    await editor.goto(webhookUrl);
    const add = editor.getByRole('form', { name: 'Add subscription' });
    await add.getByLabel('EventType').fill('CallbackChanged');
    await add.getByLabel('Target').selectOption('EntityId');
    await add.getByLabel('EntityId or SecurityGroupId').fill(entity);
    await add.getByRole('button', { name: 'Add subscription' }).click();
    await editor.waitForURL(/notice=/);

    // Choosing the type loads a sample of it into the editor.
    await editor.goto(`${h.url}/console/simulator`);
    const choose = editor.getByRole('form', { name: 'Choose a sample' });
    await choose.getByLabel('Organization').selectOption(ORG);
    await choose.getByLabel('EventType').selectOption('CallbackChanged');
    await editor.getByRole('button', { name: 'Load sample' }).click();
    const textarea = editor.getByLabel('Event (JSON)');
    const sample = JSON.parse(await textarea.inputValue()) as Record<string, unknown>;
    expect(sample).toMatchObject({ EventType: 'CallbackChanged', RootEntityId: ORG });
    // Validated as you type: broken JSON, then a missing property, then the sample again.
    await textarea.fill('{"EventType": "CallbackChanged"');
    await editor.locator('#simulator-check li', { hasText: 'Not JSON' }).first().waitFor();
    const { Timestamp: _, ...withoutTimestamp } = sample;
    await textarea.fill(JSON.stringify(withoutTimestamp));
    await editor.locator('#simulator-check li', { hasText: 'Timestamp' }).first().waitFor();
    await textarea.fill(JSON.stringify(sample, null, 2));
    await editor.locator('#simulator-check', { hasText: 'Valid.' }).waitFor();
    await editor.getByRole('button', { name: 'Explain' }).click();
    await expect(editor.locator('[data-would-receive]').getAttribute('data-would-receive')).resolves.toBe(
      '0',
    );
    const verdict = editor.locator('tr[data-matches="false"]');
    await expect(verdict.textContent()).resolves.toContain('Not matched');
    await h.screenshot(editor, 'simulator');
  });

  it('tails the webhook live: a delivery appears as it happens', async () => {
    await editor.goto(`${webhookUrl}/tail`);
    await editor.locator('#tail-status', { hasText: 'Live: connected.' }).waitFor();
    const rows = editor.locator('table[data-tail] tbody tr');
    const before = await rows.count();
    const id = await publish();
    await editor.locator(`table[data-tail] tbody tr[data-event="${id}"]`, { hasText: 'delivered' }).waitFor();
    expect(await rows.count()).toBeGreaterThan(before);
    await h.screenshot(editor, 'live-tail');
  });

  it('lists the organizations with counts, and the audit log names who changed what', async () => {
    await editor.goto(`${h.url}/console/organizations`);
    const section = editor.locator(`section[data-organization="${ORG}"]`);
    await expect(section.locator('[data-count="webhooks"]').textContent()).resolves.toBe('1');
    await expect(section.locator('[data-count="paused"]').textContent()).resolves.toBe('0');
    await h.screenshot(editor, 'organizations');
    await editor.goto(`${h.url}/console/audit?OrganizationId=${ORG}`);
    await expect(editor.getByRole('table', { name: 'Audit entries' }).textContent()).resolves.toContain(
      EDITOR.Name,
    );
    await h.screenshot(editor, 'audit');
  });

  it('shows a viewer no edit controls, and the API refuses a forged change from a viewer session', async () => {
    const { page } = await h.signIn(VIEWER.Token);
    await page.goto(webhookUrl);
    await expect(page.getByRole('button', { name: 'Pause' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Save settings' }).count()).resolves.toBe(0);
    await expect(page.getByRole('form', { name: 'Add subscription' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Send test event' }).count()).resolves.toBe(0);
    await expect(page.getByLabel('Endpoint').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: 'Recover' }).count()).resolves.toBe(0);
    // A viewer who crafts the pause form by hand, with the session's own CSRF token: the API says no.
    const status = await page.evaluate(`(async () => {
      const csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
      const body = new URLSearchParams({ _csrf: csrf, Enabled: 'false', etag: '' });
      return (await fetch('${webhookUrl}/enabled', { method: 'POST', body })).status;
    })()`);
    expect(status).toBe(403);
    const webhook = await adminCall(h.url, 'GET', `/v1/admin/organizations/${ORG}/webhooks/${webhookId}`);
    expect(webhook.body.Enabled).toBe(true);
    await page.context().close();
  });

  it('never shows a token scoped to one organization anything of another', async () => {
    const { page } = await h.signIn(SCOPED.Token);
    await page.goto(`${h.url}/console/organizations`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(ORG);
    expect(text).not.toContain(OTHER_ORG);
    expect(text).not.toContain('Other tenant');
    const otherList = await adminCall(h.url, 'GET', `/v1/admin/organizations/${OTHER_ORG}/webhooks`);
    const otherId = ((otherList.body.Items as { WebhookId: string }[])[0] as { WebhookId: string }).WebhookId;
    const response = await page.goto(`${h.url}/console/organizations/${OTHER_ORG}/webhooks/${otherId}`);
    expect(response?.status()).toBe(404);
    expect((await page.content()).includes('Other tenant')).toBe(false);
    const org = await page.goto(`${h.url}/console/organizations/${OTHER_ORG}`);
    expect(org?.status()).toBe(404);
    await page.goto(`${h.url}/console/events`);
    await expect(page.locator('select[name="OrganizationId"] option').allTextContents()).resolves.toEqual([
      ORG,
    ]);
    await page.context().close();
  });
});
