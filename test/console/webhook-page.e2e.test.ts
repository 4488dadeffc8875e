import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, EDITOR } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, TOKEN } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { hasChromium, sayWhySkipped } from './browser.js';
import { type ConsoleHarness, reloadUntil, startConsole } from './e2e.js';

sayWhySkipped();

describe.skipIf(!hasChromium)(
  "the console's webhook page, event search and audit filters (real gateway)",
  () => {
    let h: ConsoleHarness;
    let receiver: Receiver;
    let page: Page;
    let webhookId = '';
    let webhookUrl = '';
    const api = (
      method: string,
      path: string,
      options: { body?: unknown; headers?: Record<string, string> } = {},
    ) => adminCall(h.url, method, `/v1/admin/organizations/${ORG}${path}`, options);

    const publish = (entityId?: string) => h.publish(entityId);

    beforeAll(async () => {
      receiver = await startReceiver({ body: 'thanks from the receiver' });
      h = await startConsole({
        adminTokens: [ADMIN, EDITOR],
        organizations: [
          organization(ORG, [
            {
              endpoint: `${receiver.url}/crm`,
              webhook: { Description: 'CRM' },
              subscriptions: [{ EventType: 'UserStatus', AllEntities: true }],
            },
          ]),
        ],
      });
      const list = await api('GET', '/webhooks');
      webhookId = (list.body.Items as { WebhookId: string }[])[0]?.WebhookId as string;
      webhookUrl = `${h.url}/console/organizations/${ORG}/webhooks/${webhookId}`;
      page = (await h.signIn(EDITOR.Token)).page;
    });
    afterAll(async () => {
      await h?.close();
      await receiver?.close();
    });

    it('saves settings, warns about InsecureSSL, and refuses a save over a change made meanwhile', async () => {
      await page.goto(webhookUrl);
      const settings = page.getByRole('form', { name: 'Settings' });
      await expect(page.locator('.warning').count()).resolves.toBe(0);
      await settings.getByLabel('Description').fill('CRM production');
      await settings.getByLabel('TimeoutSeconds').fill('7');
      await settings.getByLabel(/InsecureSSL/).check();
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await page.waitForURL(/notice=/);
      await expect(page.locator('.warning').textContent()).resolves.toContain('InsecureSSL is on');
      const stored = await api('GET', `/webhooks/${webhookId}`);
      expect(stored.body).toMatchObject({
        Description: 'CRM production',
        TimeoutSeconds: 7,
        InsecureSSL: true,
      });

      // Someone else changes the webhook after this page was read: the save is refused, nothing changes.
      await page.reload();
      const etag = stored.headers.get('etag') as string;
      expect(
        (
          await api('PATCH', `/webhooks/${webhookId}`, {
            body: { Description: 'theirs' },
            headers: { 'if-match': etag },
          })
        ).status,
      ).toBe(200);
      await settings.getByLabel('Description').fill('mine');
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await expect(page.getByRole('alert').first().textContent()).resolves.toContain(
        'Someone changed this webhook',
      );
      expect((await api('GET', `/webhooks/${webhookId}`)).body.Description).toBe('theirs');

      // A problem the API finds is shown next to the field it names.
      await page.goto(webhookUrl);
      await settings.getByLabel('TimeoutSeconds').fill('600');
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await expect(page.locator('#TimeoutSeconds-error').textContent()).resolves.toMatch(/\S/);
    });

    it('sets and rotates the secret, which the receiver then gets as X-Benemen-Token', async () => {
      await page.goto(webhookUrl);
      await page.getByLabel('Secret', { exact: true }).fill('first-secret');
      await page.getByRole('button', { name: 'Set secret' }).click();
      await page.waitForURL(/notice=/);
      expect(await page.content()).not.toContain('first-secret');
      await page.getByLabel('New secret').fill('second-secret');
      await page.getByRole('button', { name: 'Rotate secret' }).click();
      await page.waitForURL(/notice=/);
      const before = receiver.requests.length;
      await publish();
      const [request] = (await receiver.waitFor(before + 1)).slice(before);
      expect(request?.headers['x-benemen-token']).toBe('second-secret');
    });

    it("sends a test event and shows the receiver's answer", async () => {
      await page.goto(webhookUrl);
      const form = page.getByRole('form', { name: 'Send test event' });
      await form.getByLabel('EventType').fill('QueueCallInUserConnected');
      await form.getByRole('button', { name: 'Send test event' }).click();
      const result = page.locator('[data-test-result]');
      await expect(result.textContent()).resolves.toContain('answered 200');
      await expect(result.textContent()).resolves.toContain('thanks from the receiver');
      expect(receiver.requests.at(-1)?.headers['x-benemen-event']).toBe('QueueCallInUserConnected');
      await h.screenshot(page, 'test-send');
    });

    it('edits, disables and removes a subscription', async () => {
      await page.goto(webhookUrl);
      const row = page.locator('tr[data-subscription]', { hasText: 'UserStatus' });
      await row.getByRole('button', { name: 'Disable' }).click();
      await page.waitForURL(/notice=/);
      await expect(
        page.locator('tr[data-subscription]', { hasText: 'UserStatus' }).textContent(),
      ).resolves.toContain('disabled');
      const entity = randomUUID();
      const edited = page.locator('tr[data-subscription]', { hasText: 'UserStatus' });
      await edited.getByText('Edit').click();
      await edited.getByLabel('Target').selectOption('EntityId');
      await edited.getByLabel('EntityId or SecurityGroupId').fill(entity);
      await edited.getByRole('button', { name: 'Save subscription' }).click();
      await page.waitForURL(/notice=/);
      await expect(page.getByRole('table', { name: 'Subscriptions' }).textContent()).resolves.toContain(
        `EntityId ${entity}`,
      );
      await page
        .locator('tr[data-subscription]', { hasText: 'UserStatus' })
        .getByRole('button', { name: 'Remove' })
        .click();
      await page.waitForURL(/notice=/);
      await expect(page.locator('tr[data-subscription]').count()).resolves.toBe(0);
      const subs = await api('GET', `/webhooks/${webhookId}/subscriptions`);
      expect(subs.body.Items).toEqual([]);
      // Put one back for the searches below.
      const add = page.getByRole('form', { name: 'Add subscription' });
      await add.getByLabel('EventType').fill('UserStatus');
      await add.getByRole('button', { name: 'Add subscription' }).click();
      await page.waitForURL(/notice=/);
    });

    it('filters deliveries by state and finds events by type and entity, times shown in the viewer zone', async () => {
      const entity = randomUUID();
      const id = await publish(entity);
      await page.goto(webhookUrl);
      const filter = page.getByRole('form', { name: 'Filter deliveries' });
      await filter.getByLabel('State').selectOption('delivered');
      await filter.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/State=delivered/);
      await expect(page.getByRole('table', { name: 'Deliveries' }).textContent()).resolves.toContain(id);
      await filter.getByLabel('State').selectOption('paused');
      await filter.getByRole('button', { name: 'Filter' }).click();
      await expect(page.locator('main').textContent()).resolves.toContain('No deliveries.');

      await page.goto(`${h.url}/console/events`);
      const search = page.getByRole('form', { name: 'Find events' });
      await search.getByLabel('EntityId').fill(entity);
      await search.getByRole('button', { name: 'Search' }).click();
      const events = page.getByRole('table', { name: 'Events' });
      await expect(events.locator('tbody tr').count()).resolves.toBe(1);
      await expect(events.textContent()).resolves.toContain(id);
      const time = events.locator('time').first();
      await expect(time.getAttribute('title')).resolves.toMatch(/UTC$/);
      expect(await time.textContent()).not.toBe(await time.getAttribute('datetime'));
      await search.getByLabel('EventType').fill('CallbackChanged');
      await search.getByLabel('EntityId').fill('');
      await search.getByRole('button', { name: 'Search' }).click();
      await expect(page.locator('main').textContent()).resolves.toContain('No events.');
      await search.getByLabel('Event Id').fill(id);
      await search.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(new RegExp(`/console/events/${id}`));
    });

    it('redelivers an expired delivery only when Force is ticked', async () => {
      const pause = async (Enabled: boolean) => {
        const current = await api('GET', `/webhooks/${webhookId}`);
        const etag = current.headers.get('etag') as string;
        expect(
          (await api('PATCH', `/webhooks/${webhookId}`, { body: { Enabled }, headers: { 'if-match': etag } }))
            .status,
        ).toBe(200);
      };
      await pause(false);
      const event = { ...specEvent('UserStatus', ORG), MessageTTLSeconds: 1 };
      const published = await fetch(`${h.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      expect(published.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await pause(true);
      await page.goto(`${h.url}/console/events/${event.Id}`);
      await reloadUntil(page, 'section[data-delivery] h3', 'expired');
      const before = receiver.requests.length;
      await page.getByRole('button', { name: 'Redeliver' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Force');
      expect(receiver.requests.length).toBe(before);
      await page.goBack();
      await page.getByLabel(/Force/).check();
      await page.getByRole('button', { name: 'Redeliver' }).click();
      await page.waitForURL(/notice=redelivered/);
      await receiver.waitFor(before + 1);
      await reloadUntil(page, 'section[data-delivery] h3', 'delivered');
    });

    it('shows only its own notices, never words a link carries', async () => {
      await page.goto(`${webhookUrl}?notice=${encodeURIComponent('Your session expired: call +1 555 0100')}`);
      await expect(page.locator('.notice').count()).resolves.toBe(0);
      await page.goto(`${webhookUrl}?notice=saved`);
      await expect(page.locator('.notice').textContent()).resolves.toBe('Settings saved.');
    });

    it('is usable from the keyboard, and every field of its pages has a label', async () => {
      for (const path of [
        webhookUrl,
        '/console/events',
        '/console/recover',
        '/console/simulator',
        '/console/audit',
      ]) {
        await page.goto(path.startsWith('/') ? `${h.url}${path}` : path);
        const unlabelled =
          await page.evaluate(`[...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
        .filter((f) => f.labels.length === 0).map((f) => f.name)`);
        expect([path, unlabelled]).toEqual([path, []]);
      }
      await page.goto(webhookUrl);
      // Tab from the top of the page to the new subscription's EventType, type it, Enter submits the form.
      let reached = false;
      for (let i = 0; i < 80 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = (await page.evaluate('document.activeElement?.id')) === 'new-event-type';
      }
      expect(reached).toBe(true);
      await page.keyboard.type('QueueCallInUserConnected');
      await page.keyboard.press('Enter');
      await page.waitForURL(/notice=/);
      await expect(page.getByRole('table', { name: 'Subscriptions' }).textContent()).resolves.toContain(
        'QueueCallInUserConnected',
      );
    });

    it('filters the audit log by resource', async () => {
      await page.goto(`${h.url}/console/audit`);
      const all = await page.getByRole('table', { name: 'Audit entries' }).locator('tbody tr').count();
      expect(all).toBeGreaterThan(0);
      const form = page.getByRole('form', { name: 'Filter the audit log' });
      await form.getByLabel('Resource').fill('subscription');
      await form.getByRole('button', { name: 'Filter' }).click();
      const rows = page.getByRole('table', { name: 'Audit entries' }).locator('tbody tr');
      const filtered = await rows.allTextContents();
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.length).toBeLessThan(all);
      for (const row of filtered) expect(row).toContain('subscription');
    });

    it('says so in words when the webhook was deleted by someone else while its page was open', async () => {
      const created = await api('POST', '/webhooks', {
        body: { Endpoint: `${receiver.url}/doomed`, Enabled: true },
      });
      const id = created.body.WebhookId as string;
      await page.goto(`${h.url}/console/organizations/${ORG}/webhooks/${id}`);
      const settings = page.getByRole('form', { name: 'Settings' });
      await settings.getByLabel('Description').fill('too late');
      expect(
        (
          await api('DELETE', `/webhooks/${id}`, {
            headers: { 'if-match': created.headers.get('etag') ?? '' },
          })
        ).status,
      ).toBe(204);
      const saved = page.waitForResponse((r) => r.request().method() === 'POST');
      await settings.getByRole('button', { name: 'Save settings' }).click();
      expect((await saved).status()).toBe(404);
      const alert = page.getByRole('alert');
      await expect(alert.textContent()).resolves.toContain(
        `Webhook ${id} is not there any more: someone may have deleted it since this page was opened. Nothing was changed.`,
      );
      await h.screenshot(page, 'webhook-gone');
      await alert.getByRole('link', { name: `Back to organization ${ORG}` }).click();
      await page.waitForURL(new RegExp(`/console/organizations/${ORG}$`));
      await expect(page.locator('main').textContent()).resolves.not.toContain('/doomed');
    });
  },
);
