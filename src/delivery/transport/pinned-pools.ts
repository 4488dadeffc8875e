import type { Socket } from 'node:net';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { buildConnector, Pool } from 'undici';
import { boundReads } from './bounded-reads.js';

/**
 * The most response header bytes read before the socket is dropped (a `protocol` failure): a receiver
 * answering with thousands of headers would otherwise cost the gateway's parser CPU on every attempt.
 */
export const MAX_RESPONSE_HEADER_BYTES = 16 * 1024;

class UnpinnedError extends Error {
  override readonly name = 'UnpinnedError';
}

/** A connection pool for one (origin, insecureSsl) pair, whose sockets go to a policy-checked address. */
export class PinnedPool {
  /**
   * The address the next new socket connects to: set by the sender right before each request from the
   * address resolveDestination approved. Sockets never resolve the host name themselves, so a DNS answer
   * that changes after the check cannot redirect them.
   */
  pinned: string | null = null;
  /** Registry use counter at the last get(), for least-recently-used eviction. */
  lastUsed = 0;
  readonly pool: Pool;

  constructor(origin: string, insecureSsl: boolean, connections: number, secureContext?: SecureContext) {
    // Certificates are checked for the URL's host name: undici derives SNI and the identity check from
    // the origin's host, not from the address we hand to connect.
    const connectTo = buildConnector({ rejectUnauthorized: !insecureSsl, secureContext });
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
      connect: (options, callback) => {
        if (this.pinned === null) {
          callback(new UnpinnedError(`no approved address for ${origin}`), null);
          return;
        }
        connectTo({ ...options, hostname: this.pinned }, (error, socket) =>
          error === null ? callback(null, boundReads(socket as Socket)) : callback(error, null),
        );
      },
    });
  }
}

export interface PinnedPoolsOptions {
  connectionsPerOrigin: number;
  /** Bound on live pools; the least recently used one is closed (gracefully) beyond it. */
  maxPools?: number;
  /** PEM certificates trusted besides Node's default CA store. */
  extraCaCerts?: readonly string[] | undefined;
}

/**
 * undici pools keyed by origin AND the InsecureSSL flag: a webhook that disables certificate checks must
 * never lend its unverified sockets to one that does not, even on the same origin. A caller's pool key
 * separates them further (the engine uses one pool per webhook).
 */
export class PinnedPools {
  private readonly pools = new Map<string, PinnedPool>();
  private readonly connections: number;
  private readonly maxPools: number;
  private uses = 0;
  /** Built once: passing `ca` per connection would rebuild a context of ~150 roots for every socket. */
  private readonly secureContext: SecureContext | undefined;

  constructor(options: PinnedPoolsOptions) {
    this.connections = options.connectionsPerOrigin;
    this.maxPools = options.maxPools ?? 512;
    const extra = options.extraCaCerts ?? [];
    this.secureContext =
      extra.length > 0 ? createSecureContext({ ca: [...rootCertificates, ...extra] }) : undefined;
  }

  get size(): number {
    return this.pools.size;
  }

  get(origin: string, insecureSsl: boolean, poolKey = ''): PinnedPool {
    const key = `${poolKey}|${insecureSsl ? '!' : ''}${origin}`;
    let entry = this.pools.get(key);
    if (entry === undefined) {
      if (this.pools.size >= this.maxPools) this.evictLeastRecentlyUsed();
      entry = new PinnedPool(origin, insecureSsl, this.connections, this.secureContext);
      this.pools.set(key, entry);
    }
    entry.lastUsed = ++this.uses;
    return entry;
  }

  /**
   * Shutdown: the engine has already waited its grace period, so requests still open are abandoned
   * (destroyed, not awaited); their deliveries stay in flight in the store and are attempted at the next start.
   */
  async close(): Promise<void> {
    const closing = [...this.pools.values()].map(({ pool }) => pool.destroy());
    this.pools.clear();
    await Promise.all(closing);
  }

  /** A scan, but only when a new origin arrives at a full registry. */
  private evictLeastRecentlyUsed(): void {
    let oldestKey: string | undefined;
    let oldestUse = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.pools) {
      if (entry.lastUsed < oldestUse) {
        oldestUse = entry.lastUsed;
        oldestKey = key;
      }
    }
    if (oldestKey === undefined) return;
    const evicted = this.pools.get(oldestKey);
    this.pools.delete(oldestKey);
    // close() lets requests already queued on the pool finish.
    void evicted?.pool.close();
  }
}
