import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type {
  ClaimResult,
  Outcome,
  RecordResult,
  ReleasedDelivery,
} from '../../delivery/engine/delivery-store.js';
import type { EventRecord, HandOffs, StoredEvent } from '../event-writer.js';
import { CODECS } from './codec.js';
import {
  errorDetails,
  type StoreReady,
  type StoreRequest,
  type StoreResponse,
  type StoreThreadData,
} from './protocol.js';
import { type StoreOperation, StoreService } from './store-service.js';

/** Carries StoreService calls: to the store thread, or (for :memory: databases) to a service in this thread. */
interface StoreBackend {
  call(op: StoreOperation, args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/** An error the store reported, with SQLite's code when it had one (SQLITE_CONSTRAINT_...). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface OpenStoreOptions {
  /**
   * Page cache of the store's connection, KiB. 8 MiB by default. It was 16 MiB while a unique index on
   * events.id took random inserts, whose pages it kept; event Ids now reach their index in sorted runs
   * (event-id-index.ts). Publishing 1,000,000 events with 8 MiB, peak RSS was 281-282 MiB against 288-310
   * MiB with 16 MiB, at the same rate (22,800-26,200/s against 24,500-26,300/s).
   */
  cacheKiB?: number;
  /** Told once if the store thread dies; every call fails from then on. */
  onFailure?: (error: Error) => void;
}

/**
 * The hot path's store, reached asynchronously: writes of events, claims, outcomes and releases all run
 * in the store thread (StoreService) in the order they were called. A file database gets its own thread;
 * `:memory:` cannot be shared between connections, so it is served in this thread over the given one.
 */
export class StoreClient {
  private constructor(private readonly backend: StoreBackend) {}

  static async open(
    file: string,
    inMemory: BetterSqlite3.Database,
    options: OpenStoreOptions = {},
  ): Promise<StoreClient> {
    if (file === ':memory:' || file === '')
      return new StoreClient(new InlineBackend(new StoreService(inMemory)));
    const data: StoreThreadData = { file, cacheKiB: options.cacheKiB ?? 8 * 1024 };
    return new StoreClient(await WorkerBackend.start(data, options.onFailure));
  }

  write(records: readonly EventRecord[], handOffs: HandOffs): Promise<StoredEvent[]> {
    return this.backend.call('write', [records, handOffs]) as Promise<StoredEvent[]>;
  }

  claim(webhookId: number, now: number, limit: number): Promise<ClaimResult> {
    return this.backend.call('claim', [webhookId, now, limit]) as Promise<ClaimResult>;
  }

  record(outcomes: readonly Outcome[]): Promise<RecordResult> {
    return this.backend.call('record', [outcomes]) as Promise<RecordResult>;
  }

  /** Expires up to `limit` paused deliveries whose event's TTL passed; resolves to how many. */
  expirePaused(now: number, limit: number): Promise<number> {
    return this.backend.call('expirePaused', [now, limit]) as Promise<number>;
  }

  async release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    await this.backend.call('release', [deliveries]);
  }

  recoverInFlight(): Promise<number> {
    return this.backend.call('recoverInFlight', []) as Promise<number>;
  }

  /** Commits the writes still queued, then closes the store. */
  close(): Promise<void> {
    return this.backend.close();
  }
}

class InlineBackend implements StoreBackend {
  constructor(private readonly service: StoreService) {}

  /** Fails as the store thread does, with a StoreError, so callers handle both backends alike. */
  async call(op: StoreOperation, args: unknown[]): Promise<unknown> {
    try {
      return await (this.service[op] as (...a: unknown[]) => unknown).apply(this.service, args);
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
  private readonly pending = new Map<
    number,
    { op: StoreOperation | 'close'; resolve: (v: unknown) => void; reject: (e: Error) => void }
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

  call(op: StoreOperation | 'close', args: unknown[]): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { op, resolve, reject });
      const encoded = op === 'close' ? args : CODECS[op].encodeArgs(args);
      this.worker.postMessage({ id, op, args: encoded } satisfies StoreRequest);
    });
  }

  async close(): Promise<void> {
    if (this.failure !== null) return;
    const closed = this.call('close', []);
    this.closing = true;
    await closed;
  }

  private settle(response: StoreResponse): void {
    const waiter = this.pending.get(response.id);
    if (waiter === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.worker.unref();
    if (response.ok)
      waiter.resolve(waiter.op === 'close' ? response.value : CODECS[waiter.op].decodeResult(response.value));
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
