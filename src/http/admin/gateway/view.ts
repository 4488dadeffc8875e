import type { GatewaySection } from '../../../config/index.js';

/** Keys whose values are secrets wherever they appear in the Gateway section (MetricsToken, ...). */
const SECRET_KEY = /token|secret|password/i;
const REDACTED = '<redacted>';

/** A database URL's password replaced (postgres://user:password@host/db); a file path as it is. */
function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = REDACTED;
    return url.toString();
  } catch {
    return value;
  }
}

function redact(value: unknown, key: string): unknown {
  if (typeof value === 'string') return SECRET_KEY.test(key) ? REDACTED : redactUrl(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, key));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
  return value;
}

/**
 * The Gateway section in force with every secret left out: producer tokens as a count (they have no
 * names), admin tokens as their Names, Roles and Organizations, any other token, secret or password as
 * `<redacted>`, and a database URL without its password.
 */
export function gatewayView(gateway: GatewaySection): Record<string, unknown> {
  const { ProducerTokens, AdminTokens, ...rest } = gateway;
  return {
    ...(redact(rest, '') as Record<string, unknown>),
    ProducerTokens: {
      Count: ProducerTokens.length,
      Scoped: ProducerTokens.filter((t) => typeof t !== 'string').length,
    },
    AdminTokens: AdminTokens.map((t) => ({
      Name: t.Name,
      Role: t.Role,
      Organizations: t.Organizations?.map((o) => o.toLowerCase()) ?? null,
    })),
  };
}
