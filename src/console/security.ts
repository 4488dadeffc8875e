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
 * The scheme the browser used. Behind a proxy that ends TLS the gateway sees plain http, so when it is
 * configured to trust the proxy (Gateway.Console.TrustForwardedProto) the proxy's X-Forwarded-Proto
 * says it: its first value, the one the proxy nearest the browser wrote. Otherwise the header is ignored,
 * since anyone reaching the gateway directly could send it.
 */
export function requestScheme(
  requestUrl: string,
  headers: Headers,
  trustForwardedProto: boolean,
): 'http' | 'https' {
  if (trustForwardedProto) {
    const forwarded = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (forwarded === 'https' || forwarded === 'http') return forwarded;
  }
  return new URL(requestUrl).protocol === 'https:' ? 'https' : 'http';
}

/**
 * A change must come from a page of the gateway itself: when the browser says where the request comes
 * from (Origin, Sec-Fetch-Site), it must be this origin, with the scheme the browser used. The CSRF token
 * is checked besides (console.tsx).
 */
export function sameOrigin(requestUrl: string, headers: Headers, scheme: 'http' | 'https'): boolean {
  const site = headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.get('origin');
  if (origin === null) return true;
  const host = headers.get('host') ?? new URL(requestUrl).host;
  return origin === `${scheme}://${host}`;
}
