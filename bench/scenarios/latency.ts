import { clockOffsetMs } from '../lib/clock-skew.js';
import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import type { OpenLoopOptions, OpenLoopResult } from '../lib/producer.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { metric } from '../lib/results.js';
import type { Scenario, ScenarioContext } from '../lib/scenario.js';
import { type Percentiles, percentiles } from '../lib/stats.js';
import { describeSteal, type StealReport, startStealMeter } from '../lib/steal.js';

export const LATENCY_LOAD = { ratePerSecond: 1_000, durationMs: 20_000 };
const WARM_UP = { ratePerSecond: 1_000, durationMs: 2_000 };

export interface LatencyMeasure {
  /** Publish to receipt, ms. */
  latency: Percentiles;
  /** Publish call to acknowledgement (durably recorded), ms. */
  ack: Percentiles;
  published: number;
  received: number;
  duplicates: number;
  timedOut: boolean;
  maxScheduleLagMs: number;
  /** Receiver clock minus producer clock, estimated over IPC; latencies are not corrected for it. */
  clockSkewMs: number;
  /** The machine's CPU steal over the measured run. */
  steal: StealReport;
}

/** Anything that publishes one event at a time on a schedule: the gateway child or the peer. */
export interface OpenLoopProducer {
  openLoop(options: OpenLoopOptions, timeoutMs: number): Promise<OpenLoopResult>;
  clock(): Promise<number>;
}

/**
 * An open-loop run against a receiver that is already listening: a 2 s warm-up at the same rate, then
 * the measured run; each event's latency is stamped by the receiver from the publish time it carries.
 */
export async function measureLatency(
  ctx: ScenarioContext,
  producer: OpenLoopProducer,
  receiver: ReceiverProcess,
): Promise<LatencyMeasure> {
  const warmCount = (WARM_UP.ratePerSecond * WARM_UP.durationMs) / 1000;
  await receiver.reset(warmCount);
  await producer.openLoop(WARM_UP, 60_000);
  await receiver.waitFor(warmCount, 30_000);

  const count = (LATENCY_LOAD.ratePerSecond * LATENCY_LOAD.durationMs) / 1000;
  await receiver.reset(count, true);
  const receipts = receiver.waitFor(count, LATENCY_LOAD.durationMs + 60_000);
  const stealMeter = startStealMeter();
  const run = await producer.openLoop(LATENCY_LOAD, LATENCY_LOAD.durationMs + 60_000);
  const received = await receipts;
  const steal = stealMeter.stop();
  const latency = percentiles(await receiver.latencies());
  const skew = (await clockOffsetMs(() => receiver.clock())) - (await clockOffsetMs(() => producer.clock()));
  ctx.log(
    `${received.unique} of ${run.published} received: p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, max ${latency.max.toFixed(1)} ms; ${describeSteal(steal)}`,
  );
  return {
    latency,
    ack: percentiles(run.ackMs),
    published: run.published,
    received: received.unique,
    duplicates: received.duplicates,
    timedOut: received.timedOut,
    maxScheduleLagMs: run.maxScheduleLagMs,
    clockSkewMs: skew,
    steal,
  };
}

export async function gatewayLatency(ctx: ScenarioContext, receiver: ReceiverProcess, endpoint: string) {
  const gateway = await GatewayProcess.start(ctx, [{ endpoint }]);
  const measure = await measureLatency(ctx, gateway, receiver);
  await gateway.stop();
  return measure;
}

export const latency: Scenario = {
  name: 'latency',
  description: `open loop at ${LATENCY_LOAD.ratePerSecond}/s for ${LATENCY_LOAD.durationMs / 1000} s, single publish() per event, publish-to-receipt`,
  budgetMs: 180_000,
  async run(ctx) {
    const receiver = await ReceiverProcess.start(ctx);
    const [port] = await receiver.listen(1);
    const m = await gatewayLatency(ctx, receiver, loopbackUrl(port as number));
    // Latency has no reference run to share the machine's noise with, so its targets say how noisy the
    // window was: steal, and how late the producer itself ran behind its schedule.
    const note = m.timedOut
      ? `only ${m.received} of ${m.published} received`
      : `${describeSteal(m.steal)}; the producer ran up to ${m.maxScheduleLagMs.toFixed(1)} ms behind its schedule`;
    const ms = (name: string, value: number, target?: number) =>
      metric({
        metric: `${name} publish-to-receipt`,
        unit: 'ms',
        gateway: value,
        ...(target === undefined ? {} : { target: { on: 'gateway', op: '<=', value: target }, note }),
      });
    return {
      metrics: [
        ms('p50', m.latency.p50, 5),
        ms('p95', m.latency.p95),
        ms('p99', m.latency.p99, 25),
        ms('max', m.latency.max),
        metric({ metric: 'p99 publish acknowledgement', unit: 'ms', gateway: m.ack.p99 }),
      ],
      details: { load: LATENCY_LOAD, warmUp: WARM_UP, gateway: m },
    };
  },
};
