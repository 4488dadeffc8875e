import type { MiddlewareHandler } from 'hono';

/**
 * Every console response: scripts, styles, images and connections from the gateway alone (no inline
 * script or style, no CDN), forms posting only to the gateway, never framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  // same-origin, not no-referrer: under no-referrer the browser sends `Origin: null` with a form post.
  c.header('Referrer-Policy', 'same-origin');
  c.header('X-Frame-Options', 'DENY');
  if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
};

/**
 * A change must come from a page of the gateway itself: when the browser says where the request comes
 * from (Origin, Sec-Fetch-Site), it must be this origin. The CSRF token is checked besides (console.tsx).
 */
export function sameOrigin(requestUrl: string, headers: Headers): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  const url = new URL(requestUrl);
  const host = headers.get('host') ?? url.host;
  return origin === `${url.protocol}//${host}`;
}
