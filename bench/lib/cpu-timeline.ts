/**
 * This process's CPU use per second (user + system, as a fraction of one core): set beside a receiver's
 * per-second rates it tells a gateway that is busy from one that waits (on disk, or for the CPU).
 */
export class CpuTimeline {
  private readonly timer: NodeJS.Timeout;
  private last = process.cpuUsage();
  private seconds: number[] = [];

  constructor() {
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  /** Fractions of a core, one per second since the last reset; starts a new timeline. */
  take(): number[] {
    const taken = this.seconds;
    this.seconds = [];
    return taken;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    const delta = process.cpuUsage(this.last);
    this.last = process.cpuUsage();
    this.seconds.push(Math.round((delta.user + delta.system) / 10_000) / 100);
  }
}
