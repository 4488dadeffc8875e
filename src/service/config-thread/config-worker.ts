import { Worker } from 'node:worker_threads';
import type { GatewayDatabase } from '../../store/database.js';
import { doConfigWork, errorOf, failureOf } from './config-work.js';
import type { ConfigRequest, ConfigResponse, ConfigResult } from './protocol.js';

type ResultOf<Op extends ConfigRequest['op']> = Extract<ConfigResult, { op: Op }>;

/**
 * Runs configuration work off the event loop: in a thread of its own with its own connection for a file
 * database, inline for `:memory:` (which one connection alone can see). Failures come back as the errors
 * the work throws (ConfigError, DocumentOwnsMembersError).
 */
export class ConfigWorker {
  private readonly pending = new Map<
    number,
    { resolve: (r: ConfigResult) => void; reject: (e: Error) => void }
  >();
  private nextId = 1;
  /** Set once the thread is closed or has died: every later request fails at once with it. */
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker | null,
    private readonly inline: GatewayDatabase,
  ) {
    worker?.on('message', (response: ConfigResponse) => {
      const waiter = this.pending.get(response.id);
      if (waiter === undefined) return;
      this.pending.delete(response.id);
      if (this.pending.size === 0) worker.unref();
      if (response.ok) waiter.resolve(response.result);
      else waiter.reject(errorOf(response.failure));
    });
    worker?.on('error', (error) =>
      this.failAll(new Error(`the configuration thread failed: ${error.message}`)),
    );
    worker?.on('exit', (code) => this.failAll(new Error(`the configuration thread exited (code ${code})`)));
    worker?.unref();
  }

  static async open(file: string, database: GatewayDatabase): Promise<ConfigWorker> {
    if (file === ':memory:' || file === '') return new ConfigWorker(null, database);
    const worker = spawnConfigThread(file);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', () => {
        worker.off('error', reject);
        resolve();
      });
    });
    return new ConfigWorker(worker, database);
  }

  run<R extends ConfigRequest>(request: R): Promise<ResultOf<R['op']>> {
    if (this.worker === null) {
      try {
        return Promise.resolve(doConfigWork(this.inline, request) as ResultOf<R['op']>);
      } catch (error) {
        return Promise.reject(errorOf(failureOf(error)));
      }
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    const worker = this.worker;
    const id = this.nextId++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (r) => resolve(r as ResultOf<R['op']>), reject });
      worker.postMessage({ id, request });
    });
  }

  async close(): Promise<void> {
    if (this.worker === null || this.failure !== null) return;
    this.failure = new Error('the configuration thread is closed');
    const worker = this.worker;
    const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ id: 0, request: { op: 'close' } });
    await closed;
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** From dist/ the entry is JavaScript; from src/ (tsx, vitest) it is TypeScript and needs tsx in the thread. */
function spawnConfigThread(file: string): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./config-thread.js', import.meta.url), { workerData: { file } });
  const entry = new URL('./config-thread.ts', import.meta.url).href;
  return new Worker(new URL('../../store/thread/boot-from-source.mjs', import.meta.url), {
    workerData: { file, entry },
  });
}
