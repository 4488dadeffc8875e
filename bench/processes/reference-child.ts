import { Pool } from 'undici';
import { USER_AGENT } from '../../src/version.js';
import { benchBody } from '../lib/bench-events.js';
import { nowMs } from '../lib/clock.js';
import { cpuMicros, serveCommands } from '../lib/ipc-serve.js';

/**
 * The physical-limit reference: undici alone POSTing the same bodies, with the gateway's headers, to the
 * same receivers at the gateway's per-endpoint concurrency (one Pool of that many connections per
 * endpoint). No store, no matching, no engine: what the loopback, the receivers and undici allow.
 */
export interface ReferenceRun {
  /** Webhook URLs; each receives bodies 0..count-1, as a webhook of the gateway would. */
  targets: string[];
  count: number;
  /** Requests in flight per target. */
  concurrency: number;
  timeoutMs: number;
}

export interface ReferenceResult {
  startedAt: number;
  finishedAt: number;
  ok: number;
  failed: number;
  timedOut: boolean;
  /** CPU this process used while posting (bodies are built before), µs. */
  cpuMicros: number;
}

async function run(args: ReferenceRun): Promise<ReferenceResult> {
  const bodies = Array.from({ length: args.count }, (_, seq) => benchBody(seq));
  const headers = {
    'X-Benemen-Event': 'UserStatus',
    'Content-Type': 'application/json; charset=utf-8',
    'User-Agent': USER_AGENT,
  };
  let ok = 0;
  let failed = 0;
  const pools: Pool[] = [];
  const cpuAtStart = cpuMicros();
  const startedAt = nowMs();
  const deadline = startedAt + args.timeoutMs;
  const lanes = args.targets.map(async (target) => {
    const url = new URL(target);
    const pool = new Pool(url.origin, { connections: args.concurrency, pipelining: 1 });
    pools.push(pool);
    let next = 0;
    const worker = async () => {
      while (next < args.count && nowMs() < deadline) {
        const body = bodies[next++] as string;
        try {
          const response = await pool.request({ method: 'POST', path: url.pathname, headers, body });
          await response.body.dump();
          if (response.statusCode === 200) ok++;
          else failed++;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: args.concurrency }, worker));
  });
  await Promise.all(lanes);
  const finishedAt = nowMs();
  const cpu = cpuMicros() - cpuAtStart;
  await Promise.all(pools.map((p) => p.close()));
  return { startedAt, finishedAt, ok, failed, timedOut: finishedAt >= deadline, cpuMicros: cpu };
}

serveCommands({ run: (args: ReferenceRun) => run(args) });
