import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR } from '../support/admin.js';
import { specEvent } from '../support/events.js';
import { ORG, type TestGateway, TOKEN } from '../support/gateway.js';
import { consoleGateway, postForm, signIn } from './http-session.js';
import { csrfOf } from './stand-in-api.js';

describe('the simulator over the real gateway', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await consoleGateway();
    url = gateway.url as string;
  });
  afterAll(() => gateway.cleanup());

  it('says an event whose Id was already accepted would be a duplicate sent nowhere', async () => {
    const cookie = await signIn(url, EDITOR.Token);
    const page = await fetch(`${url}/console/simulator`, { headers: { cookie } });
    const _csrf = csrfOf(await page.text());
    const event = specEvent('UserStatus', ORG, randomUUID());
    const simulate = async () => {
      const answer = await postForm(url, '/console/simulator', cookie, {
        _csrf,
        OrganizationId: ORG,
        EventType: 'UserStatus',
        Event: JSON.stringify(event),
      });
      expect(answer.status).toBe(200);
      return answer.text();
    };
    const fresh = await simulate();
    expect(fresh).toContain('data-would-receive="1"');
    expect(fresh).not.toContain('data-duplicate');

    const published = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(published.status).toBe(202);
    const again = await simulate();
    expect(again).toContain('data-duplicate="true"');
    expect(again).toContain('An event with this Id was already accepted');
    expect(again).toContain('data-would-receive="0"');
  });
});
