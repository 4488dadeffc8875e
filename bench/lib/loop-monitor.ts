import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** How the event loop fared over a phase: how busy it was and how late timers ran (ms). */
export interface LoopReport {
  utilization: number;
  delayMeanMs: number;
  delayP99Ms: number;
  delayMaxMs: number;
}

/**
 * Watches this process's event loop. A delivery engine that advances one step per loop turn slows down
 * when turns get long, so the delays tell whether that is what limits a phase.
 */
export class LoopMonitor {
  private readonly delay = monitorEventLoopDelay({ resolution: 1 });
  private since: EventLoopUtilization = performance.eventLoopUtilization();

  constructor() {
    this.delay.enable();
  }

  /** The phase since the last call (or since start), then starts a new one. */
  phase(): LoopReport {
    const now = performance.eventLoopUtilization();
    const report: LoopReport = {
      utilization: performance.eventLoopUtilization(now, this.since).utilization,
      delayMeanMs: this.delay.mean / 1e6,
      delayP99Ms: this.delay.percentile(99) / 1e6,
      delayMaxMs: this.delay.max / 1e6,
    };
    this.delay.reset();
    this.since = now;
    return report;
  }

  stop(): void {
    this.delay.disable();
  }
}
