import type { RetentionPolicy } from '../pruner.js';
import type { StoreOperation } from './store-service.js';

/** Sent to the store thread: an operation of StoreService with its arguments, or the order to close. */
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
