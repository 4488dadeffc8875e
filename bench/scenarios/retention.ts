import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { metric } from '../lib/results.js';
import type { Scenario } from '../lib/scenario.js';
import { median } from '../lib/stats.js';

const LOAD = { ratePerSecond: 1_000, durationMs: 120_000 };
const RETENTION_SECONDS = 5;
const SAMPLE_EVERY_MS = 5_000;
/** Each minute's RSS is the median of its last half: single samples move with V8's heap sizing. */
const SETTLED_AFTER_S = 30;
const MB = 1e6;
const mb = (bytes: number | null) => (bytes === null ? null : bytes / MB);

interface Sample {
  atS: number;
  dbBytes: number;
  walBytes: number;
  rssBytes: number;
  /** The gateway's main V8 heap: what of the RSS is JavaScript objects, and what V8 reserved for them. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  deliveries: number;
}

/**
 * A steady publish for two minutes with a retention of a few seconds: the database file (with its WAL)
 * and the gateway's memory should level off once the pruner removes as much as arrives, instead of growing
 * with everything ever published. The figures to read are the second minute's growth: of the files, of
 * the live heap (after a full collection at 60 s and at the end; a leak shows there first), and of the RSS.
 */
export const retention: Scenario = {
  name: 'retention',
  description: `open loop at ${LOAD.ratePerSecond}/s for ${LOAD.durationMs / 1000} s with DeliveredDays of ${RETENTION_SECONDS} s; database file and RSS every ${SAMPLE_EVERY_MS / 1000} s`,
  budgetMs: 240_000,
  async run(ctx) {
    const receiver = await ReceiverProcess.start(ctx);
    const [port] = await receiver.listen(1);
    const gateway = await GatewayProcess.start(ctx, [{ endpoint: loopbackUrl(port as number) }], {
      gateway: { Retention: { DeliveredDays: RETENTION_SECONDS / 86_400 } },
      exposeGc: true,
    });
    const count = (LOAD.ratePerSecond * LOAD.durationMs) / 1000;
    await receiver.reset(count);
    const samples: Sample[] = [];
    const started = Date.now();
    const sample = async () => {
      const [stats, memory] = await Promise.all([gateway.storeStats(), gateway.memory()]);
      const s: Sample = {
        atS: Math.round((Date.now() - started) / 1000),
        dbBytes: stats.dbBytes,
        walBytes: stats.walBytes,
        rssBytes: memory.rssBytes,
        heapUsedBytes: memory.now.heapUsedBytes,
        heapTotalBytes: memory.now.heapTotalBytes,
        externalBytes: memory.now.externalBytes,
        deliveries: Object.values(stats.deliveries).reduce((a, b) => a + b, 0),
      };
      samples.push(s);
      ctx.log(
        `${s.atS} s: db ${(s.dbBytes / MB).toFixed(1)} MB + wal ${(s.walBytes / MB).toFixed(1)} MB, rss ${(s.rssBytes / MB).toFixed(0)} MB (heap ${(s.heapUsedBytes / MB).toFixed(0)} of ${(s.heapTotalBytes / MB).toFixed(0)} MB, external ${(s.externalBytes / MB).toFixed(0)} MB), ${s.deliveries} deliveries kept`,
      );
    };
    const timer = setInterval(() => void sample(), SAMPLE_EVERY_MS);
    const liveAtMid = new Promise<number | null>((resolve) =>
      setTimeout(() => resolve(gateway.liveHeap()), LOAD.durationMs / 2),
    );
    const run = await gateway.openLoop(LOAD, LOAD.durationMs + 60_000);
    clearInterval(timer);
    await sample();
    const liveMid = await liveAtMid;
    const liveEnd = await gateway.liveHeap();
    const received = await receiver.waitFor(count, 60_000);
    const at = (s: number) => samples.find((x) => x.atS >= s) ?? (samples[samples.length - 1] as Sample);
    const mid = at(60);
    const end = samples[samples.length - 1] as Sample;
    const files = (s: Sample) => s.dbBytes + s.walBytes;
    const growth = (a: number | null, b: number | null) =>
      a !== null && b !== null && a > 0 ? b / a - 1 : null;
    const settledRss = (minute: number) =>
      median(
        samples
          .filter((s) => s.atS > minute * 60 + SETTLED_AFTER_S && s.atS <= (minute + 1) * 60)
          .map((s) => s.rssBytes),
      );
    const rssFirst = settledRss(0);
    const rssSecond = settledRss(1);
    return {
      metrics: [
        metric({ metric: 'database + WAL at 60 s', unit: 'MB', gateway: files(mid) / MB }),
        metric({ metric: 'database + WAL at the end', unit: 'MB', gateway: files(end) / MB }),
        metric({
          metric: 'database + WAL growth, second minute',
          unit: 'x',
          gateway: growth(files(mid), files(end)),
          target: { on: 'gateway', op: '<=', value: 0.1 },
        }),
        metric({ metric: 'live heap at 60 s (after a full GC)', unit: 'MB', gateway: mb(liveMid) }),
        metric({ metric: 'live heap at the end (after a full GC)', unit: 'MB', gateway: mb(liveEnd) }),
        metric({
          metric: 'live heap growth, second minute',
          unit: 'x',
          gateway: growth(liveMid, liveEnd),
          target: { on: 'gateway', op: '<=', value: 0.1 },
        }),
        metric({ metric: 'RSS, median of 30-60 s', unit: 'MB', gateway: rssFirst / MB }),
        metric({ metric: 'RSS, median of 90-120 s', unit: 'MB', gateway: rssSecond / MB }),
        metric({
          metric: 'RSS growth, second minute',
          unit: 'x',
          gateway: growth(rssFirst, rssSecond),
          target: { on: 'gateway', op: '<=', value: 0.1 },
        }),
        metric({ metric: 'events delivered', unit: '', gateway: received.unique }),
      ],
      details: {
        load: LOAD,
        retentionSeconds: RETENTION_SECONDS,
        published: run.published,
        liveHeapBytes: { mid: liveMid, end: liveEnd },
        samples,
      },
    };
  },
};
