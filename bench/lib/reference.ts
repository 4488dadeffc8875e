import type { ReferenceResult, ReferenceRun } from '../processes/reference-child.js';
import { type ReceiverPorts, type ReceiverProcess, waitForAll } from './receivers.js';
import { PER_ENDPOINT, type ScenarioContext } from './scenario.js';
import { spawnRole } from './spawn-role.js';
import { perSecond } from './stats.js';
import { describeSteal, type StealReport, startStealMeter, stealNote } from './steal.js';
import { warmUp, warmUpPerPort } from './warm-up.js';

export interface ReferenceMeasure {
  /** Requests per second, from the first request until the receivers had them all. */
  rate: number | null;
  delivered: number;
  failed: number;
  timedOut: boolean;
  seconds: number;
  /** CPU per request: of the undici client process, and of the receiver processes. */
  clientCpuMicrosPerRequest: number | null;
  receiverCpuMicrosPerRequest: number | null;
  /** The machine's CPU steal over the measured run (not the warm-up). */
  steal: StealReport;
}

/**
 * Runs the undici reference in a fresh process against receivers that are already listening: every
 * port receives bodies 0..count-1. The process warms up first (WARM_UP_DELIVERIES over all the ports,
 * unmeasured); then the receivers are reset, it posts, and the run ends when they hold every body.
 */
export async function measureReference(
  ctx: ScenarioContext,
  receivers: ReceiverPorts,
  count: number,
  timeoutMs: number,
): Promise<ReferenceMeasure> {
  const targets = receivers.flatMap((r) => r.ports.map((p) => `http://127.0.0.1:${p}/`));
  const run: ReferenceRun = { targets, count, concurrency: PER_ENDPOINT, timeoutMs };
  const child = await spawnRole(ctx, 'reference');
  try {
    const warm = warmUpPerPort(targets.length);
    await warmUp(receivers, warm, () => child.call('run', { ...run, count: warm }, timeoutMs + 30_000));
    await Promise.all(receivers.map((r) => r.receiver.reset(count)));
    const receiverCpuBefore = await receiverCpu(receivers);
    const receipts = waitForAll(
      receivers.map((r) => ({ ...r, target: count * r.ports.length })),
      timeoutMs,
    );
    const stealMeter = startStealMeter();
    const result = await child.call<ReferenceResult>('run', run, timeoutMs + 30_000);
    const received = await receipts;
    const steal = stealMeter.stop();
    const receiverCpuMicros = (await receiverCpu(receivers)) - receiverCpuBefore;
    const end = received.lastAt || result.finishedAt;
    const perRequest = (micros: number) => (received.unique > 0 ? micros / received.unique : null);
    const measure: ReferenceMeasure = {
      rate: perSecond(received.unique, result.startedAt, end),
      delivered: received.unique,
      failed: result.failed,
      timedOut: result.timedOut || received.timedOut,
      seconds: (end - result.startedAt) / 1000,
      clientCpuMicrosPerRequest: perRequest(result.cpuMicros),
      receiverCpuMicrosPerRequest: perRequest(receiverCpuMicros),
      steal,
    };
    ctx.log(
      `undici reference: ${received.unique} bodies in ${measure.seconds.toFixed(2)} s = ${Math.round(measure.rate ?? 0)}/s; ${describeSteal(steal)}`,
    );
    return measure;
  } finally {
    await child.stop();
  }
}

export async function receiverCpu(receivers: ReceiverPorts): Promise<number> {
  const each = await Promise.all(receivers.map((r) => r.receiver.cpuMicros()));
  return each.reduce((a, b) => a + b, 0);
}

/** The common case: one receiver process, the given ports. */
export function referenceOn(
  ctx: ScenarioContext,
  receiver: ReceiverProcess,
  ports: number[],
  count: number,
  timeoutMs: number,
): Promise<ReferenceMeasure> {
  return measureReference(ctx, [{ receiver, ports }], count, timeoutMs);
}

/** A reference measured before and after the gateway, so a machine whose load drifts is averaged out. */
export interface BracketedReference {
  /** Mean of the two rates. */
  rate: number | null;
  before: ReferenceMeasure;
  after: ReferenceMeasure;
  /** |before - after| / mean: how noisy the machine was meanwhile. */
  spread: number | null;
}

export function bracket(before: ReferenceMeasure, after: ReferenceMeasure): BracketedReference {
  if (before.rate === null || after.rate === null || before.timedOut || after.timedOut) {
    return { rate: null, before, after, spread: null };
  }
  const rate = (before.rate + after.rate) / 2;
  return { rate, before, after, spread: Math.abs(before.rate - after.rate) / rate };
}

/** The note a metric carries when its two references disagree by more than a quarter. */
export function noiseNote(reference: BracketedReference): string | undefined {
  if (reference.spread === null || reference.spread <= 0.25) return undefined;
  return `noisy machine: the reference measured ${Math.round(reference.before.rate ?? 0)}/s before and ${Math.round(reference.after.rate ?? 0)}/s after`;
}

/**
 * The note a ratio carries when the gateway's run and its reference (the two runs around it, or one) saw
 * steal more than 5 points apart (stealNote).
 */
export function stealAgainst(
  gateway: StealReport,
  reference: BracketedReference | ReferenceMeasure,
): string | undefined {
  if ('before' in reference) return stealNote([gateway], [reference.before.steal, reference.after.steal]);
  return stealNote([gateway], [reference.steal], {
    gateway: "the gateway's run",
    reference: "the reference's",
  });
}
