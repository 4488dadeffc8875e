/** Resident set size of this process, sampled on a timer: the peak is what a container limit must allow. */
export interface RssReport {
  peakRssBytes: number;
  rssBytes: number;
  /** V8 heap in use and reserved, and memory V8 knows of outside it, at the moment of the peak. */
  atPeak: HeapFigures;
  /** The same, now. */
  now: HeapFigures;
  samples: number;
}

export interface HeapFigures {
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  arrayBuffersBytes: number;
}

function heapFigures(usage: NodeJS.MemoryUsage): HeapFigures {
  return {
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
  };
}

export class RssSampler {
  private peak = 0;
  private atPeak: HeapFigures = {
    heapUsedBytes: 0,
    heapTotalBytes: 0,
    externalBytes: 0,
    arrayBuffersBytes: 0,
  };
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  report(): RssReport {
    this.sample();
    const usage = process.memoryUsage();
    return {
      peakRssBytes: this.peak,
      rssBytes: usage.rss,
      atPeak: this.atPeak,
      now: heapFigures(usage),
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
    this.atPeak = heapFigures(usage);
  }
}
