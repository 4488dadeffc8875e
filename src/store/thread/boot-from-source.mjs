// Development and tests only: the store thread's entry is TypeScript when the gateway runs from src/
// (tsx, vitest), and a worker thread does not inherit the parent's loader, so register tsx here first.
// The built package starts dist/store/thread/store-thread.js directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
