import type { RetentionPolicy } from '../pruner.js';
import type { StoreService } from './store-service.js';

/** The operations a StoreClient may call: StoreService's public methods, by name. */
export type StoreOperation = keyof StoreService;
/** An operation's arguments and (awaited) result, as StoreService declares them. */
export type ArgsOf<K extends StoreOperation> = Parameters<StoreService[K]>;
export type ResultOf<K extends StoreOperation> = Awaited<ReturnType<StoreService[K]>>;

/**
 * Runs one operation of the service. The one place where a name chosen at run time meets the method's
 * type: TypeScript cannot follow `service[op]` for a generic `op`, so this is the single cast.
 */
export function invoke<K extends StoreOperation>(
  service: StoreService,
  op: K,
  args: ArgsOf<K>,
): ResultOf<K> | Promise<ResultOf<K>> {
  const method = service[op] as (...a: ArgsOf<K>) => ResultOf<K> | Promise<ResultOf<K>>;
  return method.apply(service, args);
}

/**
 * Sent to the store thread: an operation with its arguments in their wire form (see codec.ts), or the
 * order to close.
 */
export interface StoreRequest {
  id: number;
  op: StoreOperation | 'close';
  args: unknown[];
}

/** Sent back, one per request, in the order the operations ran. */
export type StoreResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string; code: string | undefined };

/** The thread's first message: the database is open (or could not be). */
export type StoreReady = { ready: true } | { ready: false; message: string };

/** What the store thread is started with. */
export interface StoreThreadData {
  file: string;
  /** Page cache of the thread's connection, KiB. */
  cacheKiB: number;
  retention: RetentionPolicy;
}

/** What a failed operation reports: its message and SQLite's code when it has one. */
export function errorDetails(error: unknown): { message: string; code: string | undefined } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : undefined,
  };
}

export function errorResponse(id: number, error: unknown): StoreResponse {
  return { id, ok: false, ...errorDetails(error) };
}
