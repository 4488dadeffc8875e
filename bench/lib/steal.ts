import { readFileSync } from 'node:fs';

/**
 * CPU steal over a measured window. On this shared VM the hypervisor hands our vCPUs to other guests for
 * 0-30 % of the time, changing within minutes: a rate measured while steal was high is not comparable
 * with one measured while it was low, so every measured window carries the machine's share of it.
 */

/** Cumulative ticks of the machine's aggregate `cpu` line in /proc/stat (all CPUs together). */
export interface CpuTicks {
  total: number;
  /** idle + iowait: time nothing was ready to run on our side. */
  idle: number;
  steal: number;
}

/** Shares of all CPU ticks in the window, 0..1; null where /proc/stat could not be read (not Linux). */
export interface StealReport {
  stealShare: number | null;
  /** user, nice, system, irq and softirq: what ran in this guest, the bench's processes and the rest. */
  busyShare: number | null;
}

/**
 * Parses /proc/stat's text: `cpu  user nice system idle iowait irq softirq steal guest guest_nice`.
 * Only the first eight fields count: the kernel already adds guest and guest_nice into user and nice.
 * Kernels older than 2.6.11 stop before steal; missing fields count as 0.
 */
export function parseCpuTicks(procStat: string): CpuTicks | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) return null;
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((f) => !Number.isFinite(f))) return null;
  const [, , , idle = 0, iowait = 0, , , steal = 0] = fields;
  return { total: fields.reduce((a, b) => a + b, 0), idle: idle + iowait, steal };
}

/** The shares between two readings; null when either is missing or no tick passed (a window under 10 ms). */
export function stealBetween(start: CpuTicks | null, end: CpuTicks | null): StealReport {
  const total = start === null || end === null ? 0 : end.total - start.total;
  if (start === null || end === null || total <= 0) return { stealShare: null, busyShare: null };
  const steal = end.steal - start.steal;
  const busy = total - (end.idle - start.idle) - steal;
  // Ticks are 1/100 s per CPU: three decimals already exceed what a window of a few seconds resolves.
  const share = (ticks: number) => Math.round((ticks / total) * 1000) / 1000;
  return { stealShare: share(steal), busyShare: share(busy) };
}

function readCpuTicks(): CpuTicks | null {
  try {
    return parseCpuTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** Reads the counters now; `stop()` reads them again and reports the window in between. */
export function startStealMeter(): { stop(): StealReport } {
  const start = readCpuTicks();
  return { stop: () => stealBetween(start, readCpuTicks()) };
}

/** A share as notes and logs print it: `14%`, or `?` when unknown. */
export function formatShare(share: number | null): string {
  return share === null ? '?' : `${Math.round(share * 100)}%`;
}

/** For progress lines: `steal 12%, busy 85%` (`?` off Linux). */
export function describeSteal(report: StealReport): string {
  return `steal ${formatShare(report.stealShare)}, busy ${formatShare(report.busyShare)}`;
}

function meanShare(reports: readonly StealReport[]): number | null {
  const shares = reports.map((r) => r.stealShare);
  if (shares.length === 0 || shares.some((s) => s === null)) return null;
  return (shares as number[]).reduce((a, b) => a + b, 0) / shares.length;
}

/** Above this gap in steal between the gateway's windows and its references', a ratio is suspect. */
const STEAL_GAP = 0.05;

/**
 * The note a ratio carries when the gateway's windows (their mean) and its references' windows (their
 * mean) saw steal more than 5 percentage points apart, either way: a high ratio measured while only the
 * references were slowed by a neighbour is as suspect as a low one measured the other way round.
 */
export function stealNote(
  gateway: readonly StealReport[],
  references: readonly StealReport[],
  names = { gateway: "the gateway's run", reference: "the references'" },
): string | undefined {
  const ours = meanShare(gateway);
  const theirs = meanShare(references);
  // The epsilon keeps a gap of exactly 5 points (0.08 - 0.03 in floating point) out, as "more than" says.
  if (ours === null || theirs === null || Math.abs(ours - theirs) <= STEAL_GAP + 1e-9) return undefined;
  const note = `steal ${formatShare(ours)} during ${names.gateway}, ${formatShare(theirs)} during ${names.reference}`;
  return ours > theirs ? note : `${note} (the reference side ran on the busier machine)`;
}
