import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, VIEWER } from '../support/admin.js';
import { hasChromium, sayWhySkipped } from './browser.js';
import { type ConsoleHarness, startConsole } from './e2e.js';

sayWhySkipped();

describe.skipIf(!hasChromium)('console sign-in on the real gateway, in Chromium', () => {
  let h: ConsoleHarness;
  beforeAll(async () => {
    h = await startConsole({ adminTokens: [ADMIN, VIEWER] });
  });
  afterAll(() => h?.close());

  it('refuses a wrong token and a producer token, and says so', async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    for (const token of ['not-a-token', 'test-producer-token']) {
      await page.goto(`${h.url}/console/organizations`);
      expect(new URL(page.url()).pathname).toBe('/console/sign-in');
      await page.getByLabel('Admin token').fill(token);
      await page.keyboard.press('Enter');
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        'did not accept this admin token',
      );
    }
    await context.close();
  });

  it('signs in, keeps the token out of every script, and signs out', async () => {
    const { page, problems } = await h.signIn(VIEWER.Token);
    await expect(page.evaluate('document.cookie')).resolves.toBe('');
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookies[0]?.value).not.toContain(VIEWER.Token);
    expect(await page.content()).not.toContain(VIEWER.Token);
    await expect(page.locator('.who').textContent()).resolves.toContain('vera (viewer');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    await page.goto(`${h.url}/console/organizations`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
