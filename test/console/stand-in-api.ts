import { Hono } from 'hono';
import { type ConsoleDeps, createConsole } from '../../src/console/console.js';
import { silentLogger } from '../../src/log/logger.js';

/**
 * The console mounted beside a small admin API that knows tokens and "who am I", for the console's own
 * session and CSRF tests; the pages' tests run against the real gateway.
 */
export function consoleWithTokens(
  tokens: Map<string, { Name: string; Role: string }>,
  options: { routes?: (app: Hono) => void; console?: Partial<ConsoleDeps> } = {},
): Hono {
  const app = new Hono();
  options.routes?.(app);
  app.get('/v1/admin/token', (c) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const who = token === undefined ? undefined : tokens.get(token);
    if (who === undefined)
      return c.json({ Error: { Code: 'UNAUTHORIZED', Message: 'Invalid admin token' } }, 401);
    return c.json({ ...who, Organizations: null });
  });
  app.mount(
    '/console',
    createConsole({ api: (request) => app.fetch(request), logger: silentLogger(), ...options.console }).fetch,
  );
  return app;
}

/** A cookie jar of one: the session cookie the console set last. */
export function sessionCookie(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  const match = /gateway_console=([^;]*)/.exec(header);
  if (match === null) throw new Error(`no session cookie in ${header}`);
  return `gateway_console=${match[1]}`;
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (match === null) throw new Error('no CSRF field on the page');
  return match[1] as string;
}
