import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../store/database.js';
import { doConfigWork, failureOf } from './config-work.js';
import type { ConfigRequest, ConfigResponse } from './protocol.js';

/**
 * The configuration thread's entry (started by ConfigWorker): one connection to the gateway's database,
 * serving requests one at a time, in arrival order.
 */
if (parentPort === null) throw new Error('config-thread runs as a worker thread');
const port = parentPort;
const database = openDatabase((workerData as { file: string }).file);
port.on('message', (message: { id: number; request: ConfigRequest | { op: 'close' } }) => {
  if (message.request.op === 'close') {
    database.close();
    port.postMessage({ id: message.id, ok: true, result: null });
    port.close();
    return;
  }
  let response: ConfigResponse;
  try {
    response = { id: message.id, ok: true, result: doConfigWork(database, message.request) };
  } catch (error) {
    response = { id: message.id, ok: false, failure: failureOf(error) };
  }
  port.postMessage(response);
});
port.postMessage({ ready: true });
