/** Resident set size of this process, sampled on a timer: the peak is what a container limit must allow. */
export interface RssReport {
  peakRssBytes: number;
  rssBytes: number;
  /** V8 heap in use and reserved, and memory V8 knows of outside it, at the moment of the peak. */
  atPeak: { heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; arrayBuffersBytes: number };
  samples: number;
}

export class RssSampler {
  private peak = 0;
  private atPeak = { heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0, arrayBuffersBytes: 0 };
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  report(): RssReport {
    this.sample();
    return {
      peakRssBytes: this.peak,
      rssBytes: process.memoryUsage.rss(),
      atPeak: this.atPeak,
      samples: this.samples,
    };
  }

  resetPeak(): null {
    this.peak = 0;
    this.sample();
    return null;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.samples++;
    const usage = process.memoryUsage();
    if (usage.rss <= this.peak) return;
    this.peak = usage.rss;
    this.atPeak = {
      heapUsedBytes: usage.heapUsed,
      heapTotalBytes: usage.heapTotal,
      externalBytes: usage.external,
      arrayBuffersBytes: usage.arrayBuffers,
    };
  }
}
