import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { specEvent } from '../support/events.js';
import { ORG, startTestGateway, type TestConfig, type TestGateway, TOKEN } from '../support/gateway.js';
import { collectProblems, launchChromium } from './browser.js';

/**
 * The real gateway on a real SQLite file, with Chromium driving its console. Screenshots are written
 * only when CONSOLE_SCREENSHOTS names a folder (`CONSOLE_SCREENSHOTS=docs/console npx vitest run test/console`),
 * so an ordinary test run leaves the work tree as it was.
 */
export interface ConsoleHarness {
  gateway: TestGateway;
  browser: Browser;
  url: string;
  /** A fresh browser context signed in with this admin token, and the problems its pages showed. */
  signIn(token: string): Promise<{ page: Page; problems: string[] }>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Publishes a UserStatus event of ORG over the producer API; answers its Id once accepted. */
  publish(entityId?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startConsole(config: TestConfig): Promise<ConsoleHarness> {
  const gateway = await startTestGateway(config);
  const browser = await launchChromium();
  const url = gateway.url as string;
  return {
    gateway,
    browser,
    url,
    async signIn(token) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        timezoneId: 'Europe/Helsinki',
      });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const problems = collectProblems(page);
      await page.goto(`${url}/console/sign-in`);
      await page.getByLabel('Admin token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/console\/organizations/);
      return { page, problems };
    },
    async screenshot(page, name) {
      const folder = process.env.CONSOLE_SCREENSHOTS;
      if (folder === undefined || folder === '') return;
      mkdirSync(folder, { recursive: true });
      await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
    },
    async publish(entityId = randomUUID()) {
      const event = specEvent('UserStatus', ORG, entityId);
      const response = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      if (response.status !== 202)
        throw new Error(`publish answered ${response.status}: ${await response.text()}`);
      return event.Id;
    },
    async close() {
      await browser.close();
      await gateway.cleanup();
    },
  };
}

/** Reloads the page until the locator's text contains what is expected (deliveries happen meanwhile). */
export async function reloadUntil(
  page: Page,
  selector: string,
  text: string | RegExp,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const content = (await page.locator(selector).allTextContents()).join('\n');
    if (typeof text === 'string' ? content.includes(text) : text.test(content)) return;
    if (Date.now() > deadline) throw new Error(`"${selector}" never showed ${text}; last: ${content}`);
    await page.waitForTimeout(150);
    await page.reload();
  }
}
