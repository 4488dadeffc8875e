import { performance } from 'node:perf_hooks';

/**
 * Wall-clock milliseconds with sub-millisecond resolution. Every bench process stamps with this, so a
 * time taken in one process (the publish) and one taken in another (the receipt) are comparable: both
 * are the machine's clock, read through each process's own monotonic origin.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
