import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../database.js';
import { CODECS } from './codec.js';
import {
  errorDetails,
  errorResponse,
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
    const codec = CODECS[request.op];
    let value: unknown;
    try {
      const args = codec.decodeArgs(request.args);
      value = (service[request.op] as (...args: unknown[]) => unknown).apply(service, args);
    } catch (error) {
      answer(errorResponse(request.id, error));
      return;
    }
    if (value instanceof Promise) {
      value.then(
        (resolved: unknown) => answer({ id: request.id, ok: true, value: codec.encodeResult(resolved) }),
        (error: unknown) => answer(errorResponse(request.id, error)),
      );
    } else {
      answer({ id: request.id, ok: true, value: codec.encodeResult(value ?? null) });
    }
  });
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
