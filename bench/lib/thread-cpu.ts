import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime: USER_HZ, 100 on Linux. */
const TICK_MICROS = 10_000;

/**
 * CPU time of each thread of this process so far (µs, user + system), by thread id, from Linux's
 * /proc/self/task; empty elsewhere. Node 20 has no per-thread CPU API (process.threadCpuUsage is 23.9+),
 * and the split matters: the gateway's main thread and its store thread can each be the bottleneck.
 */
export function threadCpuMicros(): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return threads;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * TICK_MICROS);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}
