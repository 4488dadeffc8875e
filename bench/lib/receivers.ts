import type { BenchChild } from './child-process.js';
import {
  addSummary,
  emptySummary,
  type PortReceipts,
  type ReceiptSummary,
  type WaitResult,
} from './receipts.js';
import type { ScenarioContext } from './scenario.js';
import { spawnRole } from './spawn-role.js';

/** The parent's handle on one receiver process (bench/processes/receiver-child.ts). */
export class ReceiverProcess {
  private constructor(private readonly child: BenchChild) {}

  static async start(ctx: ScenarioContext, label = 'receiver'): Promise<ReceiverProcess> {
    return new ReceiverProcess(await spawnRole(ctx, 'receiver', label));
  }

  /** Opens `count` servers on ephemeral loopback ports. */
  listen(count: number): Promise<number[]> {
    return this.child.call('listen', { count });
  }

  async listenOn(port: number): Promise<void> {
    await this.child.call('listen', { port });
  }

  reservePort(): Promise<number> {
    return this.child.call('reservePort');
  }

  async reset(seqCapacity: number, latency = false): Promise<void> {
    await this.child.call('reset', { seqCapacity, latency });
  }

  summary(ports?: number[]): Promise<ReceiptSummary> {
    return this.child.call('summary', { ports });
  }

  /** Waits until the ports (all by default) hold `target` distinct events; never rejects on timeout. */
  waitFor(target: number, timeoutMs: number, ports?: number[]): Promise<WaitResult> {
    return this.child.call('waitFor', { target, ports, timeoutMs }, timeoutMs + 10_000);
  }

  perPort(): Promise<PortReceipts[]> {
    return this.child.call('perPort');
  }

  /** Distinct events received in each second since the last reset. */
  timeline(): Promise<number[]> {
    return this.child.call('timeline');
  }

  latencies(): Promise<Float64Array> {
    return this.child.call('latencies');
  }

  clock(): Promise<number> {
    return this.child.call('clock');
  }

  cpuMicros(): Promise<number> {
    return this.child.cpuMicros();
  }
}

/** Receiver processes and the ports of each that a run targets. */
export type ReceiverPorts = { receiver: ReceiverProcess; ports: number[] }[];

/** Ports of several receiver processes waited on together, each process for its own ports' share. */
export async function waitForAll(
  parts: { receiver: ReceiverProcess; ports: number[]; target: number }[],
  timeoutMs: number,
): Promise<WaitResult> {
  const results = await Promise.all(parts.map((p) => p.receiver.waitFor(p.target, timeoutMs, p.ports)));
  return results.reduce<WaitResult>(
    (all, r) => ({ ...addSummary(all, r), timedOut: all.timedOut || r.timedOut }),
    { ...emptySummary(), timedOut: false },
  );
}
