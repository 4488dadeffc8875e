import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nowMs } from './clock.js';
import { seededRandom } from './random.js';
import { median } from './stats.js';

const LINE_INTS = 16; // 64-byte cache lines

/**
 * ns per read of a chain of dependent reads, one per cache line, in random order over `bytes`: each
 * read's address comes from the previous one, so none can start early. This is what a lookup costs
 * when its line is not in cache, on this machine, at this working-set size (caches, TLB, neighbours).
 */
export function dependentReadNs(bytes: number, reads = 2_000_000, rounds = 3): number {
  const lines = Math.max(2, Math.floor(bytes / 64));
  const ints = new Int32Array(lines * LINE_INTS);
  // Sattolo's shuffle: one cycle through every line, so the chain never settles in a small loop.
  const order = Int32Array.from({ length: lines }, (_, i) => i);
  const rand = seededRandom(11);
  for (let i = lines - 1; i > 0; i--) {
    const j = Math.floor(rand() * i);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  for (let i = 0; i < lines; i++) {
    ints[(order[i] as number) * LINE_INTS] = (order[(i + 1) % lines] as number) * LINE_INTS;
  }
  let at = 0;
  const round = () => {
    const started = nowMs();
    for (let i = 0; i < reads; i++) at = ints[at] as number;
    return ((nowMs() - started) * 1e6) / reads;
  };
  round(); // brings the array into whatever cache holds it
  const ns = median(Array.from({ length: rounds }, round));
  return at < 0 ? Number.NaN : ns; // reads `at`, so the chain is not dead code
}

let collect: (() => void) | null = null;

/** Heap in use after a full collection. The bench runs without --expose-gc, so the flag is set here. */
export function liveHeapBytes(): number {
  if (collect === null) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  return process.memoryUsage().heapUsed;
}
