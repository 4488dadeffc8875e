import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Logger } from '../log/logger.js';
import { AdminApi, type AdminFetch } from './admin-api.js';
import { FAVICON } from './assets/favicon.js';
import { SCRIPT } from './assets/script.js';
import { STYLE } from './assets/style.js';
import { BASE, CsrfField, Layout } from './layout.js';
import { requestScheme, sameOrigin, securityHeaders } from './security.js';
import { csrfMatches, type Identity, type Session, SessionStore } from './session.js';

export const COOKIE = 'gateway_console';

export interface ConsoleDeps {
  /** The gateway's HTTP app: every console action is one request to its admin API with the session's token. */
  api: AdminFetch;
  logger: Logger;
  /** True once the gateway is stopping: live streams end, so they do not hold the server open. */
  isShuttingDown?: () => boolean;
  sessions?: SessionStore;
  /** Whether X-Forwarded-Proto tells the scheme the browser used (behind a proxy ending TLS); read per request. */
  trustForwardedProto?: () => boolean;
}

import type { ConsoleEnv } from './console-env.js';
import { auditPages } from './pages/audit.js';
import { eventPages } from './pages/events.js';
import { organizationPages } from './pages/organizations.js';
import { recoverPages } from './pages/recover.js';
import { simulatorPages } from './pages/simulator.js';
import { tailPages } from './pages/tail.js';
import { webhookPages } from './pages/webhook.js';

export type { ConsoleEnv };

/** What the admin API says about a token; null when it refuses it. */
interface WhoAmI {
  Name: string;
  Role: string;
  Organizations?: string[] | null;
}

async function identify(api: AdminApi): Promise<Identity | null> {
  const answer = await api.get<WhoAmI>('/v1/admin/token');
  if (!answer.ok) return null;
  return {
    name: answer.body.Name,
    role: answer.body.Role,
    organizations: answer.body.Organizations ?? null,
  };
}

/** The console at /console: server-rendered pages over the admin API, behind a server-side session. */
export function createConsole(deps: ConsoleDeps): Hono<ConsoleEnv> {
  const sessions = deps.sessions ?? new SessionStore();
  const app = new Hono<ConsoleEnv>();
  const schemeOf = (c: Context) =>
    requestScheme(c.req.url, c.req.raw.headers, deps.trustForwardedProto?.() === true);

  const setSessionCookie = (c: Context, session: Session) =>
    setCookie(c, COOKIE, session.id, {
      path: BASE,
      httpOnly: true,
      sameSite: 'Strict',
      secure: schemeOf(c) === 'https',
    });

  app.use('*', securityHeaders);
  app.use('*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text('Form too large', 413) }));

  app.get('/assets/console.css', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(STYLE, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  app.get('/assets/console.js', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  app.get('/assets/favicon.svg', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(FAVICON, 200, { 'Content-Type': 'image/svg+xml' });
  });

  // Every change: from this origin, with the session's CSRF token (form field or header).
  const csrf: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const session = sessions.get(getCookie(c, COOKIE));
    const form = (c.req.header('content-type') ?? '').includes('form') ? await c.req.parseBody() : {};
    const presented =
      c.req.header('x-csrf-token') ?? (typeof form._csrf === 'string' ? form._csrf : undefined);
    if (
      session === null ||
      !sameOrigin(c.req.url, c.req.raw.headers, schemeOf(c)) ||
      !csrfMatches(session, presented)
    ) {
      return c.html(
        <Layout title="Refused" session={null}>
          <p class="error">
            This form is out of date or did not come from this console.{' '}
            <a href={`${BASE}/sign-in`}>Sign in</a> and try again.
          </p>
        </Layout>,
        403,
      );
    }
    c.set('session', session);
    await next();
  };
  app.use('*', csrf);

  app.get('/sign-in', (c) => {
    const session = sessions.get(getCookie(c, COOKIE)) ?? sessions.create();
    setSessionCookie(c, session);
    return c.html(signInPage(session));
  });

  app.post('/sign-in', async (c) => {
    const previous = c.get('session');
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const identity = token === '' ? null : await identify(new AdminApi(deps.api, token));
    if (identity === null)
      return c.html(signInPage(previous, 'The gateway did not accept this admin token.'), 401);
    const session = sessions.signIn(previous, token, identity);
    setSessionCookie(c, session);
    return c.redirect(`${BASE}/organizations`, 303);
  });

  app.post('/sign-out', (c) => {
    sessions.end(c.get('session').id);
    deleteCookie(c, COOKIE, { path: BASE });
    return c.redirect(`${BASE}/sign-in`, 303);
  });

  // Everything else needs a signed-in session whose token the API still accepts (a reload may have
  // removed it or changed its role): asked at every request, so the API's answer is always the one in force.
  app.use('*', async (c, next) => {
    const session = c.get('session') ?? sessions.get(getCookie(c, COOKIE));
    if (session === null || session.token === null) return c.redirect(`${BASE}/sign-in`, 303);
    const api = new AdminApi(deps.api, session.token);
    const identity = await identify(api);
    if (identity === null) {
      sessions.end(session.id);
      deleteCookie(c, COOKIE, { path: BASE });
      return c.redirect(`${BASE}/sign-in`, 303);
    }
    session.identity = identity;
    c.set('session', session);
    c.set('api', api);
    await next();
  });

  app.get('/', (c) => c.redirect(`${BASE}/organizations`, 303));
  organizationPages(app);
  webhookPages(app);
  tailPages(app, deps.isShuttingDown ?? (() => false));
  eventPages(app);
  recoverPages(app);
  simulatorPages(app);
  auditPages(app);

  app.onError((error, c) => {
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'console page failed');
    return c.html(
      <Layout title="Something went wrong" session={null}>
        <p class="error">The console could not show this page. The gateway's log has the details.</p>
      </Layout>,
      500,
    );
  });
  // Mounted under the gateway's app, whose notFound answers JSON: the console answers its own paths itself.
  app.all('*', (c) =>
    c.html(
      <Layout title="Not found" session={c.get('session') ?? null}>
        <p>
          No such page. <a href={`${BASE}/organizations`}>Organizations</a>
        </p>
      </Layout>,
      404,
    ),
  );
  return app;
}

function signInPage(session: Session, error?: string) {
  return (
    <Layout title="Sign in" session={null}>
      <form method="post" action={`${BASE}/sign-in`} class="stack">
        <CsrfField session={session} />
        <label>
          Admin token
          <input type="password" name="token" autocomplete="current-password" required autofocus />
        </label>
        {error !== undefined && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
      <p class="muted">The token stays on the gateway, in your session; this page's scripts never see it.</p>
    </Layout>
  );
}
