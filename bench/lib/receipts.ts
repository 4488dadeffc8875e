/** Counts of what one receiver port (or a set of them) has received. */
export interface ReceiptSummary {
  /** Requests carrying a bench event. */
  received: number;
  /** Distinct BenchSeq values: what "has all of them" counts. */
  unique: number;
  duplicates: number;
  /** Requests without a BenchSeq (not a bench event body). */
  malformed: number;
  /** nowMs() of the first and last receipt since the last reset (0 when none). */
  firstAt: number;
  lastAt: number;
}

/** One port's distinct receipts and when its first and last arrived. */
export interface PortReceipts {
  port: number;
  unique: number;
  firstAt: number;
  lastAt: number;
  /** Longest wait between two consecutive receipts, ms. */
  maxGapMs: number;
}

export interface WaitResult extends ReceiptSummary {
  timedOut: boolean;
}

/** Pulls a number out of a JSON body without parsing it all: receivers must stay cheap. */
export function numberAfter(body: string, key: string): number {
  const at = body.indexOf(key);
  if (at < 0) return Number.NaN;
  const start = at + key.length;
  let end = start;
  while (end < body.length) {
    const c = body.charCodeAt(end);
    if (c === 44 || c === 125 || c === 32) break; // , } space
    end++;
  }
  return Number(body.slice(start, end));
}

export function emptySummary(): ReceiptSummary {
  return { received: 0, unique: 0, duplicates: 0, malformed: 0, firstAt: 0, lastAt: 0 };
}

/** Adds b into a (first/last take the extremes). */
export function addSummary(a: ReceiptSummary, b: ReceiptSummary): ReceiptSummary {
  return {
    received: a.received + b.received,
    unique: a.unique + b.unique,
    duplicates: a.duplicates + b.duplicates,
    malformed: a.malformed + b.malformed,
    firstAt: a.firstAt === 0 ? b.firstAt : b.firstAt === 0 ? a.firstAt : Math.min(a.firstAt, b.firstAt),
    lastAt: Math.max(a.lastAt, b.lastAt),
  };
}
