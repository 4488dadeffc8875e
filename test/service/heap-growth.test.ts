import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * A child process keeps every object alive long enough to be promoted and then drops it, as in-flight
 * batches are, and reports its peak heap in use. V8 exposes no flag values, so the cap is observed by
 * what it does: how high the heap climbs between full collections. The child first pins V8's growth at
 * 4x (its maximum), so that the run does not depend on the factor V8 would pick from its GC speed.
 */
const WORKLOAD = `
const { setFlagsFromString } = await import('node:v8');
setFlagsFromString('--heap-growing-percent=300');
const { limitHeapGrowth } = await import('./src/service/heap-growth.ts');
const applied = process.env.LIMIT === '1' ? limitHeapGrowth() : 'not called';
const ring = new Array(100_000);
let peak = 0;
for (let n = 0; n < 2_500_000; n++) {
  ring[n % ring.length] = { n, s: 'y'.repeat(200) + n, a: [n, n + 1, n + 2] };
  if (n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
}
console.log(JSON.stringify({ applied, peakMiB: peak / 2 ** 20, kept: ring.length }));
`;

async function peakHeap(limit: boolean, nodeFlags: string[] = []) {
  const { stdout } = await run(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', WORKLOAD],
    { env: { ...process.env, LIMIT: limit ? '1' : '0' } },
  );
  return JSON.parse(stdout) as { applied: number | null | string; peakMiB: number };
}

describe('limitHeapGrowth', () => {
  it('lets the heap grow to about twice the live set instead of four times', async () => {
    const [uncapped, capped] = await Promise.all([peakHeap(false), peakHeap(true)]);
    expect(capped.applied).toBe(100);
    expect(capped.peakMiB).toBeLessThan(uncapped.peakMiB * 0.75);
  }, 90_000); // two CPU-bound child processes: on a loaded machine they take longer than the default

  it("leaves the operator's --heap-growing-percent in force", async () => {
    const [operator, capped] = await Promise.all([
      peakHeap(true, ['--heap-growing-percent=300']),
      peakHeap(true),
    ]);
    expect(operator.applied).toBeNull();
    expect(operator.peakMiB).toBeGreaterThan(capped.peakMiB * 1.3);
  }, 90_000);
});
