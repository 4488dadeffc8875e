/**
 * Plain numbers the hot paths add to, and prom-client reads at scrape time: an increment is a property
 * write on an object whose keys are fixed up front (bounded labels), with no allocation per event or
 * attempt, and nothing of prom-client's label hashing until someone scrapes.
 */
export class LabelledCount {
  private readonly counts: Record<string, number> = Object.create(null);

  constructor(
    readonly values: readonly string[],
    /** Where a value outside `values` is counted (keeps the label set bounded). */
    private readonly other: string | null = null,
  ) {
    for (const v of values) this.counts[v] = 0;
    if (other !== null) this.counts[other] = 0;
  }

  add(value: string, n = 1): void {
    if (value in this.counts) this.counts[value] = (this.counts[value] as number) + n;
    else if (this.other !== null) this.counts[this.other] = (this.counts[this.other] as number) + n;
  }

  get(value: string): number {
    return this.counts[value] ?? 0;
  }

  entries(): [string, number][] {
    return Object.entries(this.counts);
  }
}

/** A cumulative histogram over fixed bounds (seconds), as Prometheus exposes it. */
export class PlainHistogram {
  readonly buckets: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.buckets = new Float64Array(bounds.length);
  }

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= (bounds[i] as number)) {
        this.buckets[i] = (this.buckets[i] as number) + 1;
        return;
      }
    }
  }

  /** Cumulative counts per bound, then +Inf. */
  cumulative(): { le: string; count: number }[] {
    let running = 0;
    const out = this.bounds.map((bound, i) => {
      running += this.buckets[i] as number;
      return { le: String(bound), count: running };
    });
    out.push({ le: '+Inf', count: this.count });
    return out;
  }
}
