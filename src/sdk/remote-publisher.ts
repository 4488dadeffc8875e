import pRetry, { AbortError } from 'p-retry';
import { EventValidationError, type GatewayEvent } from '../catalogue/index.js';
import type { Problem } from '../problems.js';
// The one Retry-After parser, a pure function the delivery engine reads receivers' answers with too.
import { parseRetryAfter } from '../retry-after.js';
import type { Publisher, PublishResult } from './publisher.js';

export interface RemotePublisherOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** One of the gateway's ProducerTokens. */
  token: string;
  /** Bounds each try, from sending the request to reading the whole answer (default 30 s). */
  timeoutMs?: number;
  /** Tries per call, the first included, for failures that are safe to retry (default 3; 1: never retry). */
  maxAttempts?: number;
  /** The wait before the second try, doubled before each later one (default 200 ms). */
  retryDelayMs?: number;
  /** The longest wait between two tries, a gateway's Retry-After included (default 30 s). */
  maxRetryDelayMs?: number;
}

/** Refusal by the gateway that is not about the events themselves (401, 403, 413, 5xx, ...). */
export class RemotePublishError extends Error {
  override readonly name = 'RemotePublishError';
  constructor(
    /** The HTTP status, or 0 when no answer arrived (connection refused or reset, timeout). */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: readonly Problem[] = [],
    /** Whether trying again may succeed: the gateway was unavailable or the connection failed. */
    readonly retryable = false,
    /** The gateway's Retry-After, in milliseconds, when it sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

interface ErrorBody {
  Error?: { Code?: string; Message?: string; Problems?: { Path: string; Message: string }[] };
}

// Every call is idempotent (an event Id seen before is acknowledged as a duplicate, a PUT replaces the
// members whole), so a try whose answer was lost may be made again. What can succeed on a later try: a
// gateway or proxy that is unavailable or overloaded, and a connection that failed.
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const SNIPPET = 200;

/**
 * The SDK for producers outside the gateway's process: the same typed Publisher, over POST /v1/events.
 * Invalid events are refused by the gateway with the catalogue's problems, rethrown here as the same
 * EventValidationError an in-process producer would get. A 4xx is never retried.
 */
export class RemotePublisher implements Publisher {
  private readonly base: string;

  constructor(private readonly options: RemotePublisherOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  async publish(event: GatewayEvent): Promise<PublishResult> {
    const { Results } = await this.send<{ Results: PublishResult[] }>('POST', '/v1/events', event);
    return Results[0] as PublishResult;
  }

  async publishBatch(events: readonly GatewayEvent[]): Promise<PublishResult[]> {
    const { Results } = await this.send<{ Results: PublishResult[] }>('POST', '/v1/events', events);
    return Results;
  }

  async replaceSecurityGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<void> {
    const path = `/v1/organizations/${encodeURIComponent(organizationId)}/security-groups/${encodeURIComponent(securityGroupId)}`;
    await this.send('PUT', path, { EntityIds: entityIds });
  }

  /** Kept for callers that close their publisher: connections belong to Node's shared fetch pool. */
  async close(): Promise<void> {}

  private async send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    const text = JSON.stringify(body);
    const first = this.options.retryDelayMs ?? 200;
    const longest = this.options.maxRetryDelayMs ?? 30_000;
    return pRetry(
      async () => {
        try {
          return await this.tryOnce<T>(method, path, text);
        } catch (error) {
          if (error instanceof RemotePublishError && error.retryable) throw error;
          throw new AbortError(error as Error);
        }
      },
      {
        retries: Math.max(0, (this.options.maxAttempts ?? 3) - 1),
        // p-retry's own wait is off: the wait below honours the gateway's Retry-After.
        minTimeout: 0,
        shouldRetry: async ({ error, retriesConsumed }) => {
          const backoff = first * 2 ** retriesConsumed;
          const retryAfter = (error as RemotePublishError).retryAfterMs ?? 0;
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(longest, Math.max(backoff, retryAfter))),
          );
          return true;
        },
      },
    );
  }

  private async tryOnce<T>(method: 'POST' | 'PUT', path: string, body: string): Promise<T> {
    let response: Response;
    let text: string;
    try {
      // Looked up at each call, not bound once: a test double (msw) replaces the global fetch.
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      text = await response.text();
    } catch (error) {
      throw new RemotePublishError(0, 'CONNECTION_FAILED', `${method} ${path}: ${describe(error)}`, [], true);
    }
    // The status first: a proxy's HTML error page is not the gateway's JSON.
    if (response.ok) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new RemotePublishError(
          response.status,
          'INVALID_RESPONSE',
          `HTTP ${response.status} with a body that is not JSON: ${text.slice(0, SNIPPET)}`,
        );
      }
    }
    const error = parseErrorBody(text);
    const problems = (error?.Problems ?? []).map((p) => ({ path: p.Path, message: p.Message }));
    if (error?.Code === 'INVALID_EVENT') throw new EventValidationError(problems);
    throw new RemotePublishError(
      response.status,
      error?.Code ?? 'HTTP_ERROR',
      error?.Message ?? `HTTP ${response.status}${text ? `: ${text.slice(0, SNIPPET)}` : ''}`,
      problems,
      RETRYABLE_STATUS.has(response.status),
      parseRetryAfter(response.headers.get('retry-after') ?? undefined, Date.now()),
    );
  }
}

function parseErrorBody(text: string): ErrorBody['Error'] | null {
  try {
    const parsed = JSON.parse(text) as ErrorBody;
    return typeof parsed === 'object' && parsed !== null && typeof parsed.Error === 'object'
      ? parsed.Error
      : null;
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const message = error instanceof Error ? error.message : String(error);
  if (cause && typeof cause.code === 'string') return `${message} (${cause.code})`;
  return (error as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timed out' : message;
}
