import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall, EDITOR } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, TOKEN } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';
import { hasChromium, sayWhySkipped } from './browser.js';
import { type ConsoleHarness, startConsole } from './e2e.js';

sayWhySkipped();

describe.skipIf(!hasChromium)('a recovery job cancelled from the console', () => {
  let h: ConsoleHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startConsole({
      adminTokens: [ADMIN, EDITOR],
      organizations: [organization(ORG, [{ endpoint: `${receiver.url}/slow` }])],
    });
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  it('stops re-queueing: the job ends cancelled with fewer done than its total', {
    timeout: 90_000,
  }, async () => {
    const list = await adminCall(h.url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    const webhookId = (list.body.Items as { WebhookId: string }[])[0]?.WebhookId as string;
    const webhook = `/v1/admin/organizations/${ORG}/webhooks/${webhookId}`;
    const setEnabled = async (Enabled: boolean) => {
      const etag = (await adminCall(h.url, 'GET', webhook)).headers.get('etag') as string;
      const patched = await adminCall(h.url, 'PATCH', webhook, {
        body: { Enabled },
        headers: { 'if-match': etag },
      });
      expect(patched.status).toBe(200);
    };
    // 200 deliveries held by a paused webhook until their TTL passes: they expire when it resumes.
    await setEnabled(false);
    const events = Array.from({ length: 200 }, () => ({
      ...specEvent('UserStatus', ORG),
      MessageTTLSeconds: 1,
    }));
    const published = await fetch(`${h.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(published.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // The receiver never answers, so the job's batches drain only as attempts time out.
    receiver.setHang(true);
    await setEnabled(true);
    await waitFor(async () => {
      const d = await adminCall(h.url, 'GET', `${webhook}/deliveries?State=expired&Limit=500`);
      return (d.body.Items as unknown[]).length === 200;
    }, 'every delivery expired');

    const { page } = await h.signIn(EDITOR.Token);
    await page.goto(`${h.url}/console/recover?OrganizationId=${ORG}&WebhookId=${webhookId}`);
    const form = page.getByRole('form', { name: 'Recover' });
    await form.getByLabel('expired').check();
    await form.getByLabel('discarded').uncheck();
    await form.getByRole('button', { name: 'Count' }).click();
    await page.getByRole('button', { name: 'Recover 200' }).click();
    await page.waitForURL(/\/console\/jobs\//);
    await page.locator('#job-label', { hasText: /^running/ }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('#job-label', { hasText: /^cancelled/ }).waitFor();
    const label = (await page.locator('#job-label').textContent()) as string;
    const [, done, total] = /(\d+) of (\d+)/.exec(label) ?? [];
    expect(Number(total)).toBe(200);
    expect(Number(done)).toBeLessThan(200);
    await expect(page.getByRole('button', { name: 'Cancel' }).count()).resolves.toBe(0);
  });
});
