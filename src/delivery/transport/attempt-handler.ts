import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { SNIPPET_MAX_BYTES, SnippetCollector } from './response-snippet.js';

/**
 * How much response body is read at most: the snippet that is stored. Past it the socket is dropped
 * rather than drained, so an endpoint answering with an endless body costs its own lane one read, not
 * the gateway's CPU (the spec says a receiver "should not include any response body").
 */
export const MAX_DRAIN_BYTES = SNIPPET_MAX_BYTES;

/**
 * Runs `fn` with stack traces off: errors built meanwhile capture none. undici's abort builds one of its
 * own for the socket it destroys (an InformationalError, which it then ignores), whose stack would be
 * captured, and with source maps on formatted, for every answer that is cut off.
 */
function withoutStacks<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

// One shared reason, built once without a stack: a receiver that always answers with an endless body
// makes every attempt end this way, and the attempt has already succeeded or failed by its status.
const BODY_TOO_LARGE = withoutStacks(
  () => new Error('response body longer than the snippet: connection dropped'),
);

/** What an attempt learnt from the response: its status, the headers the verdict needs, and a snippet. */
export interface ReceivedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  snippet: string | null;
  /** More body followed than is read: the connection was dropped, so the next attempt opens another. */
  dropped: boolean;
}

/** Only these response headers matter to the verdict (Retry-After on 429/503, Location on a redirect). */
const WANTED = new Set(['retry-after', 'location']);

type Abort = (reason?: Error) => void;

/**
 * undici's dispatch handler for one attempt. Dispatch rather than pool.request(): request() wraps every
 * response in a Readable stream and an async resource, which measured on loopback cost a sizeable share
 * of undici's work per attempt (bench/README.md, "Figures behind the code"). It keeps only the status,
 * the two headers a verdict reads and a 4 KiB snippet, and drops the socket once more body than that
 * arrives.
 */
export class AttemptHandler implements Dispatcher.DispatchHandler {
  readonly done: Promise<ReceivedResponse>;
  private resolve!: (response: ReceivedResponse) => void;
  private reject!: (error: Error) => void;
  private abort: Abort | null = null;
  /** Set when the caller aborted before undici handed over its abort function. */
  private abortedWith: Error | null = null;
  private statusCode = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly snippet = new SnippetCollector();
  private settled = false;

  constructor(private readonly maxDrainBytes: number = MAX_DRAIN_BYTES) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The status line and headers have arrived: a timeout now happens while reading the body. */
  get responding(): boolean {
    return this.statusCode !== 0;
  }

  /** Ends the attempt with `reason` (its deadline passed): the socket is destroyed, done rejects. */
  cancel(reason: Error): void {
    if (this.abort !== null) this.abort(reason);
    else this.abortedWith = reason;
  }

  onConnect(abort: Abort): void {
    this.abort = abort;
    if (this.abortedWith !== null) abort(this.abortedWith);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.statusCode = statusCode;
    if (statusCode !== 200) this.headers = pickHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.snippet.push(chunk);
    if (this.snippet.total > this.maxDrainBytes) {
      this.finish(true);
      withoutStacks(() => this.abort?.(BODY_TOO_LARGE));
    }
    return true;
  }

  onComplete(): void {
    this.finish();
  }

  onError(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }

  private finish(dropped = false): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve({
      statusCode: this.statusCode,
      headers: this.headers,
      snippet: this.snippet.text(),
      dropped,
    });
  }
}

/** undici hands headers over raw, as alternating name and value buffers. */
function pickHeaders(raw: Buffer[]): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    if (WANTED.has(name) && headers[name] === undefined)
      headers[name] = (raw[i + 1] as Buffer).toString('latin1');
  }
  return headers;
}
