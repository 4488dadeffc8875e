/**
 * The form in which two Endpoints are compared: the same receiver written two ways (scheme or host in
 * another case, the default port spelt out, the host's trailing dot) gives the same key, so a document
 * cannot load it twice and one event is never POSTed twice to the same place. The path and query keep
 * their case: servers may tell them apart. The Endpoint itself is stored and called as written.
 */
export function endpointKey(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return endpoint;
  }
  // URL already lower-cases the scheme and host and drops the scheme's default port.
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  return url.href;
}
