import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import { cachingLookup } from '../policy/caching-lookup.js';
import {
  type Destination,
  type DestinationPolicy,
  hostOf,
  type LookupFn,
  resolveDestination,
  systemLookup,
} from '../policy/destination.js';
import { AttemptHandler } from './attempt-handler.js';
import { errorClassOf, errorMessageOf } from './classify-error.js';
import { Deadline } from './deadline.js';
import { failureOutcome, responseOutcome } from './outcome.js';
import { PinnedPools } from './pinned-pools.js';
import type { AttemptOutcome, AttemptRequest } from './types.js';

export interface HttpTransportOptions {
  policy: DestinationPolicy;
  userAgent: string;
  /** Host name resolver; answers are cached for 30 s and re-checked against the policy on every send. */
  lookup?: LookupFn;
  /** Cap on sockets per (origin, InsecureSSL) pool. */
  maxConnectionsPerOrigin?: number;
  /** PEM certificates trusted in addition to Node's default CA store (a private PKI; tests). */
  extraCaCerts?: readonly string[];
}

const CONTENT_TYPE = 'application/json; charset=utf-8';
const MAX_TARGETS = 4096;

/** What a configured URL means to the transport, worked out once per distinct URL. */
interface Target {
  origin: string;
  /** Path and query, exactly as configured. */
  path: string;
  /** The policy's verdict when the host is an address literal: it cannot change, so it is not redone. */
  literal: Destination | null;
}

type Phase = 'resolving the host' | 'waiting for the response' | 'reading the response body';

/**
 * One HTTP attempt per send(), exactly as the Enreach contract describes it: POST, the event type and
 * secret in X-Benemen-* headers, JSON body, success only on 200. The destination policy is enforced here,
 * at the last moment, and the socket connects to the very address that passed it.
 */
export class HttpTransport {
  private policy: DestinationPolicy;
  private readonly userAgent: string;
  private readonly lookup: LookupFn;
  private readonly pools: PinnedPools;
  private readonly targets = new Map<string, Target>();

  /** A reload changed the Allow* flags: the next sends are checked against the new policy. */
  setPolicy(policy: DestinationPolicy): void {
    this.policy = policy;
    // Verdicts on address literals were the old policy's.
    this.targets.clear();
  }

  constructor(options: HttpTransportOptions) {
    this.policy = options.policy;
    this.userAgent = options.userAgent;
    this.lookup = cachingLookup(options.lookup ?? systemLookup);
    this.pools = new PinnedPools({
      connectionsPerOrigin: options.maxConnectionsPerOrigin ?? 16,
      extraCaCerts: options.extraCaCerts,
    });
  }

  async send(request: AttemptRequest): Promise<AttemptOutcome> {
    const started = performance.now();
    const deadline = new Deadline(request.timeoutMs);
    let phase: Phase = 'resolving the host';
    let handler: AttemptHandler | null = null;
    try {
      const known = this.targets.get(request.url);
      const destination =
        known?.literal ??
        (await resolveDestination(request.url, this.policy, (host) => deadline.race(this.lookup(host))));
      if (deadline.aborted) return timedOut(request.timeoutMs, phase, since(started));
      if (!destination.ok) return failureOutcome(destination.errorClass, destination.reason, since(started));

      const target = known ?? this.remember(request.url, destination);
      const entry = this.pools.get(target.origin, request.insecureSsl, request.poolKey);
      entry.pinned = destination.address;
      phase = 'waiting for the response';
      const attempt = new AttemptHandler();
      handler = attempt;
      deadline.whenExpired((reason) => attempt.cancel(reason));
      entry.pool.dispatch(
        { method: 'POST', path: target.path, headers: this.headersFor(request), body: request.body },
        attempt,
      );
      const response = await attempt.done;
      // undici hands a pipelining-1 socket back to its pool one event-loop turn after the response ends;
      // resolving before that would make the engine's next send to this origin open a second socket.
      await nextLoopTurn();
      const outcome = responseOutcome(
        response.statusCode,
        response.headers,
        response.snippet,
        request.secret,
        since(started),
        Date.now(),
      );
      return response.dropped ? { ...outcome, connectionDropped: true } : outcome;
    } catch (error) {
      if (handler?.responding) phase = 'reading the response body';
      if (deadline.aborted) return timedOut(request.timeoutMs, phase, since(started));
      return failureOutcome(errorClassOf(error), errorMessageOf(error, request.secret), since(started));
    } finally {
      deadline.clear();
    }
  }

  /** Closes every pool; requests already in flight finish first. */
  async close(): Promise<void> {
    await this.pools.close();
  }

  private headersFor(request: AttemptRequest): Record<string, string> {
    const headers: Record<string, string> = {
      'X-Benemen-Event': request.eventType,
      'Content-Type': CONTENT_TYPE,
      'User-Agent': this.userAgent,
    };
    if (request.secret) headers['X-Benemen-Token'] = request.secret;
    return headers;
  }

  /** Called with a URL resolveDestination accepted, so it parses. */
  private remember(url: string, destination: Destination): Target {
    const parsed = new URL(url);
    const target: Target = {
      origin: parsed.origin,
      path: `${parsed.pathname}${parsed.search}`,
      literal: isIP(hostOf(parsed)) === 0 ? null : destination,
    };
    if (this.targets.size >= MAX_TARGETS) this.targets.clear();
    this.targets.set(url, target);
    return target;
  }
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}

function timedOut(timeoutMs: number, phase: Phase, durationMs: number): AttemptOutcome {
  return failureOutcome('timeout', `timed out after ${timeoutMs} ms ${phase}`, durationMs);
}
