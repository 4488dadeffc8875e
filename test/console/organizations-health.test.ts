import { describe, expect, it } from 'vitest';
import { HEALTH_READS_AT_ONCE } from '../../src/console/pages/organizations.js';
import { consoleWithTokens, csrfOf, sessionCookie } from './stand-in-api.js';

const ORIGIN = 'http://localhost';
const TOKEN = 'alice-admin-token-0123456789';
const ORGS = 5;
const WEBHOOKS = 12;

/** A stand-in API of ORGS organizations of WEBHOOKS webhooks each, whose health reads take a while. */
function tenantApi() {
  const reads = { running: 0, most: 0, total: 0 };
  const app = consoleWithTokens(new Map([[TOKEN, { Name: 'alice', Role: 'admin' }]]), {
    routes: (api) => {
      api.get('/v1/admin/organizations', (c) =>
        c.json({
          Items: Array.from({ length: ORGS }, (_, i) => ({ OrganizationId: `org-${i}` })),
          NextCursor: null,
        }),
      );
      api.get('/v1/admin/organizations/:org/webhooks', (c) =>
        c.json({
          Items: Array.from({ length: WEBHOOKS }, (_, i) => ({
            WebhookId: `${c.req.param('org')}-hook-${i}`,
            Endpoint: `https://receiver.example/${i}`,
            InsecureSSL: false,
            HasSecret: false,
            Description: null,
            TimeoutSeconds: 5,
            Enabled: true,
            RetryScheduleSeconds: null,
          })),
          NextCursor: null,
        }),
      );
      api.get('/v1/admin/organizations/:org/webhooks/:id/health', async (c) => {
        reads.total += 1;
        reads.running += 1;
        reads.most = Math.max(reads.most, reads.running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        reads.running -= 1;
        return c.json({
          Breaker: 'closed',
          InFlight: 0,
          Waiting: 2,
          OldestWaitingAgeSeconds: 30,
          Last5Minutes: { Attempts: 0, SuccessRate: null, P50Ms: null, P99Ms: null },
          LastHour: { Attempts: 0, SuccessRate: null, P50Ms: null, P99Ms: null },
          LastSuccessAt: null,
          LastFailure: null,
        });
      });
    },
  });
  return { app, reads };
}

async function signedIn(app: ReturnType<typeof tenantApi>['app']): Promise<string> {
  const page = await app.request(`${ORIGIN}/console/sign-in`);
  const answer = await app.request(`${ORIGIN}/console/sign-in`, {
    method: 'POST',
    headers: {
      cookie: sessionCookie(page),
      'content-type': 'application/x-www-form-urlencoded',
      origin: ORIGIN,
    },
    body: new URLSearchParams({ _csrf: csrfOf(await page.text()), token: TOKEN }).toString(),
  });
  return sessionCookie(answer);
}

describe('the organizations page over many webhooks', () => {
  it(`reads health at most ${HEALTH_READS_AT_ONCE} at a time, and still shows every webhook's`, async () => {
    const { app, reads } = tenantApi();
    const cookie = await signedIn(app);
    const page = await app.request(`${ORIGIN}/console/organizations`, { headers: { cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(reads.total).toBe(ORGS * WEBHOOKS);
    expect(reads.most).toBeLessThanOrEqual(HEALTH_READS_AT_ONCE);
    expect(reads.most).toBeGreaterThan(1);
    expect(html.match(/data-count="waiting">24</g)?.length).toBe(ORGS);
  });

  it('bounds one organization’s page the same way', async () => {
    const { app, reads } = tenantApi();
    const cookie = await signedIn(app);
    const page = await app.request(`${ORIGIN}/console/organizations/org-1`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(reads.total).toBe(WEBHOOKS);
    expect(reads.most).toBeLessThanOrEqual(HEALTH_READS_AT_ONCE);
  });
});
