import type { GatewayEvent } from '../../src/catalogue/index.js';
import { benchBatch, benchEvent } from './bench-events.js';
import { nowMs } from './clock.js';

export interface ClosedLoopOptions {
  count: number;
  batchSize: number;
  /** Batches awaiting their acknowledgement at once: how far the producer runs ahead. */
  inFlight: number;
  firstSeq?: number;
}

export interface ClosedLoopResult {
  startedAt: number;
  finishedAt: number;
  published: number;
}

/**
 * A producer that publishes as fast as the publisher accepts: batches of batchSize, at most inFlight of
 * them unacknowledged. Events are built just before their batch is published, as a producer would.
 */
export async function publishClosedLoop(
  publishBatch: (events: GatewayEvent[]) => Promise<unknown>,
  options: ClosedLoopOptions,
): Promise<ClosedLoopResult> {
  const first = options.firstSeq ?? 0;
  const end = first + options.count;
  let next = first;
  let published = 0;
  const startedAt = nowMs();
  const worker = async () => {
    while (next < end) {
      const seq = next;
      const size = Math.min(options.batchSize, end - seq);
      next += size;
      await publishBatch(benchBatch(seq, size));
      published += size;
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return { startedAt, finishedAt: nowMs(), published };
}

export interface OpenLoopOptions {
  ratePerSecond: number;
  durationMs: number;
  firstSeq?: number;
  /** How long to wait for the last acknowledgements. */
  settleTimeoutMs?: number;
}

export interface OpenLoopResult {
  startedAt: number;
  finishedAt: number;
  published: number;
  failed: number;
  /** Worst lateness of the schedule: how far behind its due time an event was handed over. */
  maxScheduleLagMs: number;
  /** Publish call to acknowledgement (durably recorded), per event, ms. */
  ackMs: Float64Array;
}

/**
 * An open-loop producer: event i is due at start + i / rate, whatever the publisher does. Each timer
 * turn publishes every event already due (catching up when late) and never waits for an acknowledgement.
 */
export async function publishOpenLoop(
  publish: (event: GatewayEvent) => Promise<unknown>,
  options: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const first = options.firstSeq ?? 0;
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const intervalMs = 1000 / options.ratePerSecond;
  const ackMs = new Float64Array(total);
  let sent = 0;
  let failed = 0;
  let maxScheduleLagMs = 0;
  // Acknowledgements are counted, not kept: holding every publish's promise until the end would grow the
  // publishing process's heap with the run, which the memory scenarios would read as the gateway's.
  let pending = 0;
  let settled: () => void = () => {};
  const allSettled = new Promise<void>((resolve) => {
    settled = resolve;
  });
  const acked = () => {
    pending--;
    if (pending === 0 && sent >= total) settled();
  };
  const startedAt = nowMs();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      const due = Math.min(total, Math.floor((now - startedAt) / intervalMs) + 1);
      while (sent < due) {
        const index = sent++;
        maxScheduleLagMs = Math.max(maxScheduleLagMs, nowMs() - (startedAt + index * intervalMs));
        const event = benchEvent(first + index);
        const handedAt = nowMs();
        pending++;
        publish(event).then(
          () => {
            ackMs[index] = nowMs() - handedAt;
            acked();
          },
          () => {
            failed++;
            ackMs[index] = Number.NaN;
            acked();
          },
        );
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, startedAt + sent * intervalMs - nowMs()));
    };
    tick();
  });
  const finishedAt = nowMs();
  if (pending === 0) settled();
  await Promise.race([
    allSettled,
    new Promise((resolve) => setTimeout(resolve, options.settleTimeoutMs ?? 30_000).unref()),
  ]);
  return { startedAt, finishedAt, published: sent, failed, maxScheduleLagMs, ackMs };
}
