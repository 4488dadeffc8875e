import { isIP } from 'node:net';
import { classifyAddress } from './address-class.js';

/**
 * The spec's rule for webhook endpoints: "The listener must work over HTTPS only" and "must listen in
 * default HTTPS port 443". AllowHttp and AllowAnyPort relax it for development and tests. This check is
 * shared by the configuration validator (refuse at import) and the delivery engine (refuse at send).
 */
export interface EndpointUrlPolicy {
  allowHttp: boolean;
  allowAnyPort: boolean;
  /**
   * When given and false, a host written as a literal loopback, private or link-local address is refused
   * here already: no DNS answer can change it. Names are judged when they are resolved, at delivery.
   */
  allowPrivateNetworks?: boolean;
}

/** Returns null when the URL is acceptable, or the reason it is refused. */
export function endpointUrlProblem(raw: string, policy: EndpointUrlPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return policy.allowHttp
      ? `scheme ${url.protocol.slice(0, -1)} is not allowed: use https or http`
      : `scheme ${url.protocol.slice(0, -1)} is not allowed: endpoints must use https (AllowHttp is off)`;
  }
  if (url.username || url.password) return 'must not carry credentials in the URL';
  if (url.hash) return 'must not have a #fragment';
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!policy.allowAnyPort && port !== 443) {
    return `port ${port} is not allowed: endpoints must use port 443 (AllowAnyPort is off)`;
  }
  if (policy.allowPrivateNetworks === false) {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const reason = isIP(host) === 0 ? null : classifyAddress(host);
    if (reason !== null) return `${host} is ${reason} (AllowPrivateNetworks is off)`;
  }
  return null;
}
