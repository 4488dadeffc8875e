import { join } from 'node:path';
import type { BenchChild } from './child-process.js';
import { type BenchWebhook, benchDocument } from './gateway-config.js';
import type { LoopReport } from './loop-monitor.js';
import type { ClosedLoopOptions, ClosedLoopResult, OpenLoopOptions, OpenLoopResult } from './producer.js';
import type { RssReport } from './rss-sampler.js';
import type { ScenarioContext } from './scenario.js';
import { spawnRole } from './spawn-role.js';
import { tempDir } from './temp-dir.js';

export interface StoreStats {
  deliveries: Record<string, number>;
  attempts: number;
  dbBytes: number;
  walBytes: number;
}

export interface ThreadCpu {
  pid: number;
  threads: [tid: number, micros: number][];
}

/**
 * CPU per delivery between two readings, split into the main thread, the busiest other thread (the
 * store thread, under load) and the rest (V8's GC helpers, libuv's pool).
 */
export function threadSplit(before: ThreadCpu, after: ThreadCpu, deliveries: number) {
  const start = new Map(before.threads);
  const used = after.threads.map(([tid, micros]) => [tid, micros - (start.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === after.pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== after.pid).map(([, micros]) => micros);
  const busiest = Math.max(0, ...others);
  const rest = others.reduce((sum, micros) => sum + micros, 0) - busiest;
  const per = (micros: number) => (deliveries > 0 ? Math.round((micros / deliveries) * 10) / 10 : null);
  return { mainMicros: per(main), busiestOtherMicros: per(busiest), restMicros: per(rest) };
}

/** The parent's handle on a gateway child (bench/processes/gateway-child.ts) with its own SQLite file. */
export class GatewayProcess {
  private constructor(
    private readonly child: BenchChild,
    readonly url: string | null,
  ) {}

  static async start(
    ctx: ScenarioContext,
    webhooks: readonly BenchWebhook[],
    options: {
      http?: boolean;
      label?: string;
      exposeGc?: boolean;
      /** A whole configuration document instead of the bench's one organization with `webhooks`. */
      document?: Record<string, unknown>;
      /** More keys of the document's Gateway section (Retention). */
      gateway?: Record<string, unknown>;
    } = {},
  ): Promise<GatewayProcess> {
    const dir = tempDir(ctx.scope, 'gateway-bench');
    const child = await spawnRole(
      ctx,
      'gateway',
      options.label ?? 'gateway',
      options.exposeGc ? ['--expose-gc'] : [],
    );
    const document = options.document ?? benchDocument(join(dir, 'gateway.db'), webhooks, options.gateway);
    const { url } = await child.call<{ url: string | null }>(
      'start',
      { document, http: options.http ?? false },
      60_000,
    );
    return new GatewayProcess(child, url);
  }

  publish(options: ClosedLoopOptions, timeoutMs: number): Promise<ClosedLoopResult> {
    return this.child.call('publish', options, timeoutMs);
  }

  openLoop(options: OpenLoopOptions, timeoutMs: number): Promise<OpenLoopResult> {
    return this.child.call('openLoop', options, timeoutMs);
  }

  /** The gateway's CPU use per second (fraction of a core) since the previous call. */
  cpuTimeline(): Promise<number[]> {
    return this.child.call('cpuTimeline');
  }

  /** Event loop utilisation and delays since the previous call. */
  loopPhase(): Promise<LoopReport> {
    return this.child.call('loopPhase');
  }

  /** Peak RSS (and heap at the peak) since the start or the last resetPeak. */
  memory(): Promise<RssReport> {
    return this.child.call('memory');
  }

  async resetPeak(): Promise<void> {
    await this.child.call('resetPeak');
  }

  /** Live heap after a forced full GC (bytes), or null without --expose-gc. Perturbs what follows. */
  liveHeap(): Promise<number | null> {
    return this.child.call('liveHeap', null, 60_000);
  }

  storeStats(): Promise<StoreStats> {
    return this.child.call('storeStats', null, 120_000);
  }

  engine(): Promise<unknown> {
    return this.child.call('engine');
  }

  clock(): Promise<number> {
    return this.child.call('clock');
  }

  /** CPU time of the gateway process (its in-process producer included), µs. */
  cpuMicros(): Promise<number> {
    return this.child.cpuMicros();
  }

  /** CPU time so far of each of the gateway's threads (µs); the main thread's id is `pid`. */
  threadCpu(): Promise<ThreadCpu> {
    return this.child.call('threadCpu');
  }

  /** SIGHUP's work with this environment (GATEWAY_CONFIG names the file); resolves to the changes made. */
  reloadFile(env: Record<string, string>): Promise<number> {
    return this.child.call('reloadFile', { env }, 120_000);
  }

  replaceGroup(organizationId: string, securityGroupId: string, entityIds: string[]): Promise<null> {
    return this.child.call('replaceGroup', { organizationId, securityGroupId, entityIds }, 120_000);
  }

  /** The configuration revision the gateway's routing reflects. */
  revision(): Promise<number> {
    return this.child.call('revision');
  }

  /** Stops the gateway now (the scope would too, later): for scenarios that run several variants. */
  stop(): Promise<void> {
    return this.child.stop();
  }
}
