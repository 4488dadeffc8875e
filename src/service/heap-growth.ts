import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived its last full collection, in percent: 100 allows
 * twice the live heap. V8's own factor climbs to 4x when collections are cheap, and they are cheap here:
 * while publishing, the live main heap is small and the heap in use several times larger. Capping it
 * lowered the backlog scenario's peak RSS by about a quarter at the same publish rate and CPU per delivery
 * (the figures are in the README and bench/README.md, "Figures behind the code").
 */
export const HEAP_GROWING_PERCENT = 100;

const OPERATOR_FLAG = /^--heap[-_]growing[-_]percent(=|$)/;

/**
 * Caps V8's heap growth for the whole process (the flag is global: the main thread's isolate and the
 * store thread's alike) unless the operator chose a value with `node --heap-growing-percent=N`. V8 reads
 * the flag whenever it sets a new heap limit, so setting it at start-up takes effect. `gateway serve`
 * calls it, because it owns its process; an application that embeds the gateway decides for its own.
 * Returns the percent set here, or null when the operator's flag stands.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): number | null {
  if (execArgv.some((arg) => OPERATOR_FLAG.test(arg))) return null;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}
