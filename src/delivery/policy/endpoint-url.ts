/**
 * The spec's rule for webhook endpoints: "The listener must work over HTTPS only" and "must listen in
 * default HTTPS port 443". AllowHttp and AllowAnyPort relax it for development and tests. This check is
 * shared by the configuration validator (refuse at import) and the delivery engine (refuse at send).
 */
export interface EndpointUrlPolicy {
  allowHttp: boolean;
  allowAnyPort: boolean;
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
  return null;
}
