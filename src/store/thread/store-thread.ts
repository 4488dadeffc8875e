import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { CODECS, type Codec } from './codec.js';
import {
  errorDetails,
  errorResponse,
  invoke,
  type ResultOf,
  type StoreOperation,
  type StoreReady,
  type StoreRequest,
  type StoreResponse,
  type StoreThreadData,
} from './protocol.js';
import { StoreService } from './store-service.js';

/**
 * The store thread's entry point (started by StoreClient): one connection and one StoreService, serving
 * requests in arrival order. Answers are posted as each operation finishes, so a claim that ran before a
 * commit is answered before that commit is.
 */
function serve(port: MessagePort, service: StoreService, close: () => void): void {
  const answer = (response: StoreResponse) => port.postMessage(response);
  port.on('message', (request: StoreRequest) => {
    if (request.op === 'close') {
      // Drained writes answer in promise callbacks: let those go out before the thread's last answer.
      service.drain();
      setImmediate(() => {
        try {
          close();
          answer({ id: request.id, ok: true, value: null });
        } catch (error) {
          answer(errorResponse(request.id, error));
        }
        port.close();
      });
      return;
    }
    run(service, request.id, request.op, request.args, answer);
  });
}

/** Runs one operation and answers with its result in the operation's wire form, or with its error. */
function run<K extends StoreOperation>(
  service: StoreService,
  id: number,
  op: K,
  wire: unknown[],
  answer: (response: StoreResponse) => void,
): void {
  const codec: Codec<K> = CODECS[op];
  let value: ResultOf<K> | Promise<ResultOf<K>>;
  try {
    value = invoke(service, op, codec.decodeArgs(wire));
  } catch (error) {
    answer(errorResponse(id, error));
    return;
  }
  // A synchronous result is answered at once, so answers keep the order in which operations finished.
  if (value instanceof Promise)
    value.then(
      (resolved) => answer({ id, ok: true, value: codec.encodeResult(resolved) ?? null }),
      (error: unknown) => answer(errorResponse(id, error)),
    );
  else answer({ id, ok: true, value: codec.encodeResult(value) ?? null });
}

function start(port: MessagePort, { file, cacheKiB, retention }: StoreThreadData): void {
  let database: ReturnType<typeof openDatabase>;
  try {
    database = openDatabase(file, { cacheKiB });
  } catch (error) {
    port.postMessage({ ready: false, message: errorDetails(error).message } satisfies StoreReady);
    port.close();
    return;
  }
  serve(port, new StoreService(database.sqlite, { retention }), () => database.close());
  port.postMessage({ ready: true } satisfies StoreReady);
}

if (parentPort === null) throw new Error('store-thread runs as a worker thread');
start(parentPort, workerData as StoreThreadData);
