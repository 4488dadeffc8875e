import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { classifyAddress } from './address-class.js';
import { type EndpointUrlPolicy, endpointUrlProblem } from './endpoint-url.js';

/** Where the gateway may deliver. The defaults (all false) are the spec's: public HTTPS on port 443. */
export interface DestinationPolicy extends EndpointUrlPolicy {
  allowPrivateNetworks: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (the shape of dns.promises.lookup with all: true). */
export type LookupFn = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: LookupFn = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export type Destination =
  | { ok: true; address: string; family: 4 | 6 }
  | { ok: false; errorClass: 'blocked-by-policy' | 'dns'; reason: string };

/** The URL's host as a bare name or address: URL keeps IPv6 literals in brackets. */
export function hostOf(url: URL): string {
  const { hostname } = url;
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

const blocked = (reason: string): Destination => ({ ok: false, errorClass: 'blocked-by-policy', reason });

/**
 * Decides whether a delivery to `url` may happen and, if so, the one address to connect to. The caller
 * must connect to that address (not re-resolve the name): checking one DNS answer and connecting with
 * another would let a rebinding name pass the check with a public address and then point at 127.0.0.1.
 * A name is refused when ANY of its addresses is non-public, so round-robin answers cannot smuggle one in.
 */
export async function resolveDestination(
  url: string,
  policy: DestinationPolicy,
  lookup: LookupFn = systemLookup,
): Promise<Destination> {
  const problem = endpointUrlProblem(url, policy);
  if (problem !== null) return blocked(problem);
  const host = hostOf(new URL(url));
  const literalFamily = isIP(host);
  if (literalFamily !== 0) {
    const reason = policy.allowPrivateNetworks ? null : classifyAddress(host);
    if (reason !== null) return blocked(`${host} is ${reason} (AllowPrivateNetworks is off)`);
    return { ok: true, address: host, family: literalFamily === 6 ? 6 : 4 };
  }

  let answers: readonly ResolvedAddress[];
  try {
    answers = await lookup(host);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      errorClass: 'dns',
      reason: `cannot resolve ${host}${code ? ` (${String(code)})` : ''}`,
    };
  }
  const first = answers[0];
  if (first === undefined) return { ok: false, errorClass: 'dns', reason: `${host} has no addresses` };
  for (const { address } of answers) {
    if (isIP(address) === 0)
      return { ok: false, errorClass: 'dns', reason: `${host} resolved to a non-address` };
    const reason = policy.allowPrivateNetworks ? null : classifyAddress(address);
    if (reason !== null) {
      return blocked(`${host} resolves to ${address}, which is ${reason} (AllowPrivateNetworks is off)`);
    }
  }
  return { ok: true, address: first.address, family: isIP(first.address) === 6 ? 6 : 4 };
}
