import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { ClaimResult, Outcome, RecordResult, ReleasedDelivery } from '../delivery-store.js';
import type { EventRecord, HandOffs, StoredEvent } from '../event-writer.js';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../pruner.js';
import { acquireServeLock, type ServeLock } from '../serve-lock.js';
import { FILE_LOST, isTransientStoreError, StoreError } from '../store-error.js';
import { CODECS, type Codec } from './codec.js';
import {
  type ArgsOf,
  errorDetails,
  invoke,
  type ResultOf,
  type StoreOperation,
  type StoreReady,
  type StoreRequest,
  type StoreResponse,
  type StoreThreadData,
} from './protocol.js';
import { StoreService } from './store-service.js';

export { StoreError };

/** A store call waiting longer than this makes the gateway unready: the disk is frozen or far behind. */
export const WRITE_STALL_MS = 3_000;
/** How often the database file is checked to be the one opened. */
const FILE_CHECK_MS = 1_000;

/** Carries StoreService calls: to the store thread, or (for :memory: databases) to a service in this thread. */
interface StoreBackend {
  call<K extends StoreOperation>(op: K, args: ArgsOf<K>): Promise<ResultOf<K>>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /**
   * Page cache of the store's connection, KiB; 8 MiB by default. More cache keeps more of the event Id
   * index's pages between commits, but every cached page is resident memory the process pays for.
   */
  cacheKiB?: number;
  /** Gateway.Retention (its defaults when absent). */
  retention?: RetentionPolicy;
  /** Told once if the store thread dies; every call fails from then on. */
  onFailure?: (error: Error) => void;
}

/**
 * The hot path's store, reached asynchronously: writes of events, claims, outcomes and releases all run
 * in the store thread (StoreService) in the order they were called. A file database gets its own thread;
 * `:memory:` cannot be shared between connections, so it is served in this thread over the given one.
 */
export class StoreClient {
  /** Store calls not answered yet, by call number, with when each was made (oldest first). */
  private readonly waiting = new Map<number, number>();
  private calls = 0;
  /** When a store call last failed, or a write of outcomes was refused (a full disk). */
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private lost: StoreError | null = null;
  private watch: NodeJS.Timeout | null = null;

  private constructor(
    private readonly backend: StoreBackend,
    private readonly lock: ServeLock | null = null,
  ) {}

  static async open(
    file: string,
    inMemory: BetterSqlite3.Database,
    options: OpenStoreOptions = {},
  ): Promise<StoreClient> {
    const retention = options.retention ?? DEFAULT_RETENTION;
    if (file === ':memory:' || file === '')
      return new StoreClient(new InlineBackend(new StoreService(inMemory, { retention })));
    const lock = acquireServeLock(file);
    try {
      const data: StoreThreadData = { file, cacheKiB: options.cacheKiB ?? 8 * 1024, retention };
      const client = new StoreClient(await WorkerBackend.start(data, options.onFailure), lock);
      client.watchFile(file, options.onFailure);
      return client;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Readiness: false for WRITE_STALL_MS after a store call failed (a full disk: the engine writes again
   * every second, so a store that keeps refusing stays unready), while one has waited longer than that
   * (a frozen disk), and once the database file is gone.
   */
  healthy(now = Date.now()): boolean {
    if (this.lost !== null || now - this.lastFailureAt <= WRITE_STALL_MS) return false;
    const oldest = this.waiting.values().next();
    return oldest.done === true || now - oldest.value <= WRITE_STALL_MS;
  }

  private call<K extends StoreOperation>(op: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
    if (this.lost !== null) return Promise.reject(this.lost);
    const n = ++this.calls;
    this.waiting.set(n, Date.now());
    return this.backend.call(op, args).then(
      (value) => {
        this.waiting.delete(n);
        return value;
      },
      (error: unknown) => {
        this.waiting.delete(n);
        // A write refused for its content (a constraint) says nothing of the store's health.
        if (!(error instanceof StoreError && error.code !== undefined) || isTransientStoreError(error))
          this.lastFailureAt = Date.now();
        throw error;
      },
    );
  }

  /**
   * The database must stay the file this store opened: one deleted or replaced under a running gateway
   * would take every later write with it. Once it is gone, every call fails and readiness says so.
   */
  private watchFile(file: string, onFailure: ((error: Error) => void) | undefined): void {
    const opened = statSync(file);
    this.watch = setInterval(() => {
      const now = statSync(file, { throwIfNoEntry: false });
      if (now !== undefined && now.ino === opened.ino && now.dev === opened.dev) return;
      this.lost = new StoreError(
        `the database file ${file} was ${now === undefined ? 'deleted' : 'replaced'} while this gateway served it: nothing more can be recorded; restore it and restart`,
        FILE_LOST,
      );
      if (this.watch !== null) clearInterval(this.watch);
      this.watch = null;
      onFailure?.(this.lost);
    }, FILE_CHECK_MS);
    this.watch.unref();
  }

  write(records: readonly EventRecord[], handOffs: HandOffs): Promise<StoredEvent[]> {
    return this.call('write', [records, handOffs]);
  }

  claim(webhookId: number, now: number, limit: number): Promise<ClaimResult> {
    return this.call('claim', [webhookId, now, limit]);
  }

  async record(outcomes: readonly Outcome[]): Promise<RecordResult> {
    const result = await this.call('record', [outcomes]);
    if (result.failed.some((f) => f.retryable)) this.lastFailureAt = Date.now();
    return result;
  }

  /** Expires up to `limit` paused deliveries whose event's TTL passed; resolves to how many. */
  expirePaused(now: number, limit: number): Promise<number> {
    return this.call('expirePaused', [now, limit]);
  }

  async release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    await this.call('release', [deliveries]);
  }

  /** Applies a changed Gateway.Retention from the next prune step on. */
  async retain(policy: RetentionPolicy): Promise<void> {
    await this.call('retain', [policy]);
  }

  /** Makes one delivery due at once (support's redeliver); false when it is in flight or gone. */
  requeue(...args: ArgsOf<'requeue'>): Promise<boolean> {
    return this.call('requeue', args);
  }

  /** Re-queues the next batch of a recovery job: how many, 0 when it is exhausted, null when not running. */
  recoverBatch(jobId: string, limit: number, now: number): Promise<number | null> {
    return this.call('recoverBatch', [jobId, limit, now]);
  }

  startJob(...args: ArgsOf<'startJob'>): Promise<ResultOf<'startJob'>> {
    return this.call('startJob', args);
  }

  endJob(...args: ArgsOf<'endJob'>): Promise<boolean> {
    return this.call('endJob', args);
  }

  recordTestAttempt(...args: ArgsOf<'recordTestAttempt'>): Promise<number> {
    return this.call('recordTestAttempt', args);
  }

  recoverInFlight(): Promise<number> {
    return this.call('recoverInFlight', []);
  }

  /** Commits the writes still queued, then closes the store and gives up its place (serve-lock.ts). */
  async close(): Promise<void> {
    if (this.watch !== null) clearInterval(this.watch);
    this.watch = null;
    try {
      await this.backend.close();
    } finally {
      this.lock?.release();
    }
  }
}

class InlineBackend implements StoreBackend {
  constructor(private readonly service: StoreService) {}

  /** Fails as the store thread does, with a StoreError, so callers handle both backends alike. */
  async call<K extends StoreOperation>(op: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
    try {
      return await invoke(this.service, op, args);
    } catch (error) {
      const { message, code } = errorDetails(error);
      throw new StoreError(message, code);
    }
  }

  async close(): Promise<void> {
    this.service.drain();
  }
}

class WorkerBackend implements StoreBackend {
  /** Per request: how its answer is read back (by its operation's codec), or how it fails. */
  private readonly pending = new Map<
    number,
    { settle: (wire: unknown) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  private failure: Error | null = null;
  private closing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly onFailure: ((error: Error) => void) | undefined,
  ) {
    worker.on('message', (response: StoreResponse) => this.settle(response));
    worker.on('error', (error) => this.fail(new StoreError(`the store thread failed: ${error.message}`)));
    worker.on('exit', (code) => this.fail(new StoreError(`the store thread exited (code ${code})`)));
    // Like a socket, the thread keeps the process alive only while an answer is awaited.
    worker.unref();
  }

  static start(data: StoreThreadData, onFailure?: (error: Error) => void): Promise<WorkerBackend> {
    const worker = spawnStoreThread(data);
    return new Promise((resolve, reject) => {
      const early = (error: Error) => reject(error);
      worker.once('error', early);
      worker.once('message', (ready: StoreReady) => {
        worker.off('error', early);
        if (ready.ready) resolve(new WorkerBackend(worker, onFailure));
        else reject(new StoreError(ready.message));
      });
    });
  }

  call<K extends StoreOperation>(op: K, args: ArgsOf<K>): Promise<ResultOf<K>> {
    const codec: Codec<K> = CODECS[op];
    return this.send<ResultOf<K>>({ id: this.nextId++, op, args: codec.encodeArgs(args) }, (wire) =>
      codec.decodeResult(wire),
    );
  }

  async close(): Promise<void> {
    if (this.failure !== null) return;
    const closed = this.send({ id: this.nextId++, op: 'close', args: [] }, () => undefined);
    this.closing = true;
    await closed;
  }

  private send<T>(request: StoreRequest, read: (wire: unknown) => T): Promise<T> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { settle: (wire) => resolve(read(wire)), reject });
      this.worker.postMessage(request);
    });
  }

  private settle(response: StoreResponse): void {
    const waiter = this.pending.get(response.id);
    if (waiter === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker.unref();
    if (response.ok) waiter.settle(response.value);
    else waiter.reject(new StoreError(response.message, response.code));
  }

  private fail(error: StoreError): void {
    if (this.failure !== null) return;
    this.failure = this.closing ? new StoreError('the store is closed') : error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
    if (!this.closing) this.onFailure?.(error);
  }
}

/**
 * The thread's garbage is short-lived decoded batches; V8's default young generation (up to 48 MB per
 * isolate) would mostly hold dead copies of them, so it is capped (a scavenge of a few MB is cheap).
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** From dist/ the entry is JavaScript; from src/ (tsx, vitest) it is TypeScript and needs tsx in the thread. */
function spawnStoreThread(data: StoreThreadData): Worker {
  const resourceLimits = RESOURCE_LIMITS;
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./store-thread.js', import.meta.url), { workerData: data, resourceLimits });
  const entry = new URL('./store-thread.ts', import.meta.url).href;
  return new Worker(new URL('./boot-from-source.mjs', import.meta.url), {
    workerData: { ...data, entry },
    resourceLimits,
  });
}
