import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall } from '../support/admin.js';
import { ORG, organization } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { hasChromium, sayWhySkipped } from './browser.js';
import { type ConsoleHarness, startConsole } from './e2e.js';

sayWhySkipped();

describe.skipIf(!hasChromium)('a live tail open in a browser', () => {
  let h: ConsoleHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
    h = await startConsole({
      adminTokens: [ADMIN],
      organizations: [organization(ORG, [{ endpoint: `${receiver.url}/x` }])],
    });
  });
  afterAll(async () => {
    await h?.browser.close();
    await receiver?.close();
  });

  it('does not hold up the gateway stopping', async () => {
    const list = await adminCall(h.url, 'GET', `/v1/admin/organizations/${ORG}/webhooks`);
    const id = (list.body.Items as { WebhookId: string }[])[0]?.WebhookId as string;
    const { page } = await h.signIn(ADMIN.Token);
    await page.goto(`${h.url}/console/organizations/${ORG}/webhooks/${id}/tail`);
    await page.locator('#tail-status', { hasText: 'Live: connected.' }).waitFor();
    const started = Date.now();
    await h.gateway.cleanup();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
