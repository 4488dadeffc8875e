import { describe, expect, it } from 'vitest';
import { consoleWithTokens, csrfOf, sessionCookie } from './stand-in-api.js';

const ORIGIN = 'http://localhost';
const TOKEN = 'alice-admin-token-0123456789';

async function signInPage(app: ReturnType<typeof consoleWithTokens>) {
  const page = await app.request(`${ORIGIN}/console/sign-in`);
  const html = await page.text();
  return { cookie: sessionCookie(page), csrf: csrfOf(html), page, html };
}

function post(
  app: ReturnType<typeof consoleWithTokens>,
  path: string,
  cookie: string,
  form: Record<string, string>,
  origin = ORIGIN,
) {
  return app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams(form).toString(),
  });
}

describe('console sign-in, session and CSRF', () => {
  const tokens = new Map([[TOKEN, { Name: 'alice', Role: 'admin' }]]);

  it('sends a visitor without a session to the sign-in page', async () => {
    const app = consoleWithTokens(tokens);
    const response = await app.request(`${ORIGIN}/console/organizations`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/sign-in');
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie under a strict policy', async () => {
    const app = consoleWithTokens(tokens);
    const { page } = await signInPage(app);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('signs in with a token the API accepts, under a new session id, and never puts the token in a page', async () => {
    const app = consoleWithTokens(tokens);
    const { cookie, csrf } = await signInPage(app);
    const signedIn = await post(app, '/console/sign-in', cookie, { _csrf: csrf, token: TOKEN });
    expect(signedIn.status).toBe(303);
    const session = sessionCookie(signedIn);
    expect(session).not.toBe(cookie);
    expect(session).not.toContain(TOKEN);
    const page = await app.request(`${ORIGIN}/console`, { headers: { cookie: session } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/console/organizations');
    // The pre-sign-in id is worth nothing once signed in.
    const old = await app.request(`${ORIGIN}/console`, { headers: { cookie } });
    expect(old.headers.get('location')).toBe('/console/sign-in');
  });

  it('refuses a token the API does not accept', async () => {
    const app = consoleWithTokens(tokens);
    const { cookie, csrf } = await signInPage(app);
    const refused = await post(app, '/console/sign-in', cookie, { _csrf: csrf, token: 'wrong' });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('did not accept this admin token');
  });

  it('refuses a change without the session CSRF token or from another origin', async () => {
    const app = consoleWithTokens(tokens);
    const { cookie, csrf } = await signInPage(app);
    expect((await post(app, '/console/sign-in', cookie, { token: TOKEN })).status).toBe(403);
    expect((await post(app, '/console/sign-in', cookie, { _csrf: `${csrf}x`, token: TOKEN })).status).toBe(
      403,
    );
    expect(
      (await post(app, '/console/sign-in', cookie, { _csrf: csrf, token: TOKEN }, 'http://evil.example'))
        .status,
    ).toBe(403);
    const signedIn = await post(app, '/console/sign-in', cookie, { _csrf: csrf, token: TOKEN });
    expect(signedIn.status).toBe(303);
  });

  it('signs out with the CSRF token only, and the session is gone after', async () => {
    const app = consoleWithTokens(tokens);
    const { cookie, csrf } = await signInPage(app);
    const session = sessionCookie(await post(app, '/console/sign-in', cookie, { _csrf: csrf, token: TOKEN }));
    const page = await app.request(`${ORIGIN}/console/sign-in`, { headers: { cookie: session } });
    const sessionCsrf = csrfOf(await page.text());
    expect((await post(app, '/console/sign-out', session, {})).status).toBe(403);
    const out = await post(app, '/console/sign-out', session, { _csrf: sessionCsrf });
    expect(out.status).toBe(303);
    const after = await app.request(`${ORIGIN}/console`, { headers: { cookie: session } });
    expect(after.headers.get('location')).toBe('/console/sign-in');
  });

  it('ends the session once the API stops accepting its token', async () => {
    const live = new Map(tokens);
    const app = consoleWithTokens(live);
    const { cookie, csrf } = await signInPage(app);
    const session = sessionCookie(await post(app, '/console/sign-in', cookie, { _csrf: csrf, token: TOKEN }));
    live.delete(TOKEN);
    const after = await app.request(`${ORIGIN}/console`, { headers: { cookie: session } });
    expect(after.headers.get('location')).toBe('/console/sign-in');
  });

  it('serves its script and stylesheet itself, and pages carry no inline script or style', async () => {
    const app = consoleWithTokens(tokens);
    const { html } = await signInPage(app);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).not.toMatch(/https?:\/\//);
    const script = await app.request(`${ORIGIN}/console/assets/console.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const style = await app.request(`${ORIGIN}/console/assets/console.css`);
    expect(style.headers.get('content-type')).toMatch(/css/);
  });
});

describe('console behind a proxy that ends TLS (the gateway sees http, the browser uses https)', () => {
  const tokens = new Map([[TOKEN, { Name: 'alice', Role: 'admin' }]]);
  const HTTPS = 'https://localhost';
  const forwarded = { 'x-forwarded-proto': 'https' };

  async function signInThroughProxy(app: ReturnType<typeof consoleWithTokens>) {
    const page = await app.request(`${ORIGIN}/console/sign-in`, { headers: forwarded });
    const cookie = sessionCookie(page);
    const signedIn = await app.request(`${ORIGIN}/console/sign-in`, {
      method: 'POST',
      headers: {
        ...forwarded,
        cookie,
        origin: HTTPS,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: csrfOf(await page.text()), token: TOKEN }).toString(),
    });
    return { page, signedIn };
  }

  it('with TrustForwardedProto, sets a Secure cookie and takes forms from the https origin', async () => {
    const app = consoleWithTokens(tokens, { console: { trustForwardedProto: () => true } });
    const { page, signedIn } = await signInThroughProxy(app);
    expect(page.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    // The header names only the scheme: a form from another host is still refused.
    const other = await post(app, '/console/sign-out', sessionCookie(signedIn), {}, 'https://evil.example');
    expect(other.status).toBe(403);
  });

  it('without it, ignores X-Forwarded-Proto: no Secure cookie, and an https Origin is not this one', async () => {
    const app = consoleWithTokens(tokens);
    const { page, signedIn } = await signInThroughProxy(app);
    expect(page.headers.get('set-cookie')).not.toMatch(/Secure/i);
    expect(signedIn.status).toBe(403);
  });
});
