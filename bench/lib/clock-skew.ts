import { nowMs } from './clock.js';

/**
 * How far a child's clock reads from this process's: the child's reading minus the midpoint of the
 * round trip, from the fastest of a few round trips. Latency is measured across two processes, so the
 * skew between them bounds its accuracy; it is reported, not corrected.
 */
export async function clockOffsetMs(readChildClock: () => Promise<number>, rounds = 15): Promise<number> {
  let best = { rtt: Number.POSITIVE_INFINITY, offset: 0 };
  for (let i = 0; i < rounds; i++) {
    const before = nowMs();
    const child = await readChildClock();
    const after = nowMs();
    if (after - before < best.rtt) best = { rtt: after - before, offset: child - (before + after) / 2 };
  }
  return best.offset;
}
