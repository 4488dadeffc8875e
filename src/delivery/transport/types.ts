/** One delivery attempt, as the engine asks for it. */
export interface AttemptRequest {
  /** The endpoint exactly as configured; path and query are sent untouched. */
  url: string;
  eventType: string;
  /** Already-serialized JSON; sent byte for byte. */
  body: string | Buffer;
  /** Sent as X-Benemen-Token when non-empty. */
  secret: string | null;
  insecureSsl: boolean;
  /** Bounds the whole attempt: DNS, connect, TLS, headers and body. */
  timeoutMs: number;
  /**
   * Requests with different keys never share sockets. The engine gives each webhook its own, so a dead
   * endpoint cannot hold the connections of a healthy one on the same host and port.
   */
  poolKey?: string;
}

export type AttemptErrorClass =
  | 'http-status'
  | 'redirect'
  | 'timeout'
  | 'tls'
  | 'connect'
  | 'dns'
  | 'blocked-by-policy'
  | 'protocol'
  /** The transport itself threw instead of returning an outcome (a bug): recorded, and retried. */
  | 'internal';

export interface AttemptOutcome {
  /** True only for status 200: the spec re-sends on anything else. */
  ok: boolean;
  statusCode: number | null;
  errorClass: AttemptErrorClass | null;
  /** Short, human-readable, never containing the secret. */
  errorMessage: string | null;
  /** At most 4 KiB of the response body, UTF-8; null when the body was empty or never arrived. */
  responseSnippet: string | null;
  durationMs: number;
  /** Raw Retry-After of a 429 or 503 in milliseconds (may be negative); bounding it is the caller's job. */
  retryAfterMs: number | null;
  /** False only for policy refusals: sending again cannot succeed until the configuration changes. */
  retryable: boolean;
  /**
   * The receiver sent more body than is read, so its connection was dropped: every such answer costs a
   * new connection (and handshake) for the next attempt. Absent means false.
   */
  connectionDropped?: boolean;
}
