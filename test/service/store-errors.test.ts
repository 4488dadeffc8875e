import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway, TOKEN } from '../support/gateway.js';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/hook', eventTypes: ['UserStatus'] }])],
  });
});
afterAll(() => gw.cleanup());

describe('POST /v1/events when the store refuses the write', () => {
  it('answers 503 with Retry-After, accepts none of the batch, and accepts again once routing is current', async () => {
    // The webhook disappears from the store behind the router's back (a reload racing a publish):
    // its delivery rows now break a foreign key.
    gw.database.sqlite.prepare('DELETE FROM webhooks').run();
    const post = (events: unknown[]) =>
      fetch(`${gw.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
    const refused = await post([specEvent('UserStatus', ORG), specEvent('UserStatus', ORG)]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ Error: { Code: 'STORE_UNAVAILABLE' } });
    expect(gw.rows<{ n: number }>('SELECT count(*) AS n FROM events')[0]?.n).toBe(0);

    // Routing follows the store once the change carries a revision, as every configuration change does.
    gw.database.sqlite.prepare(`UPDATE organizations SET revision = 1000`).run();
    gw.database.sqlite
      .prepare(`INSERT OR REPLACE INTO store_marks (name, value) VALUES ('config_revision', 1000)`)
      .run();
    gw.configuration.catchUp();
    const retried = await post([specEvent('UserStatus', ORG)]);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ Results: [{ Matched: 0, Duplicate: false }] });
  });
});
