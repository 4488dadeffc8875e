import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, hasChromium, launchChromium, sayWhySkipped } from './browser.js';
import { consoleWithTokens } from './stand-in-api.js';

sayWhySkipped();

describe.skipIf(!hasChromium)('console sign-in in Chromium', () => {
  let browser: Browser;
  let server: ReturnType<typeof serve>;
  let url: string;
  const token = 'browser-admin-token-abcdef';

  beforeAll(async () => {
    const app = consoleWithTokens(new Map([[token, { Name: 'carol', Role: 'viewer' }]]));
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('signs in from the keyboard, keeps the token from scripts, and signs out', async () => {
    const page = await browser.newPage();
    const problems = collectProblems(page);
    await page.goto(`${url}/console/organizations`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await page.getByLabel('Admin token').fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/organizations/);
    await expect(page.evaluate('document.cookie')).resolves.toBe('');
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookies[0]?.value).not.toContain(token);
    await expect(page.locator('.who').textContent()).resolves.toContain('carol (viewer');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    // The organizations page is the next step; its 404 aside, nothing was refused or failed.
    expect(problems.filter((p) => !p.includes('404'))).toEqual([]);
  });
});
