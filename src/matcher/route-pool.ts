/**
 * Layout of a route row: the organization's number, the offset of the next row for the same (event type,
 * entity) in another organization (-1 at the end), then the receivers.
 */
export const ORGANIZATION = 0;
export const NEXT = 1;
export const COUNT = 2;
export const IDS = 3;

const LARGEST_ID = 0x7fff_ffff;

/**
 * Route rows packed in one Int32Array. A match reads one row, and rows of 100,000 subscriptions kept
 * side by side in a typed array stay within fewer cache lines and pages than as many small objects.
 * Released rows are reused by rows of the same length, so membership updates do not grow the pool.
 */
export class RoutePool {
  ints = new Int32Array(1024);
  private end = 0;
  private readonly released = new Map<number, number[]>();

  /** Returns the new row's offset. */
  add(organization: number, next: number, webhookIds: readonly number[]): number {
    for (const id of webhookIds) {
      if (!Number.isInteger(id) || id < 0 || id > LARGEST_ID) {
        throw new RangeError(`webhook id ${id} out of range`);
      }
    }
    const length = IDS + webhookIds.length;
    const at = this.released.get(length)?.pop() ?? this.append(length);
    this.ints[at + ORGANIZATION] = organization;
    this.ints[at + NEXT] = next;
    this.ints[at + COUNT] = webhookIds.length;
    this.ints.set(webhookIds, at + IDS);
    return at;
  }

  release(at: number): void {
    const length = IDS + (this.ints[at + COUNT] as number);
    const offsets = this.released.get(length);
    if (offsets === undefined) this.released.set(length, [at]);
    else offsets.push(at);
  }

  /** Gives back the spare capacity growth left behind; for after a build. */
  trim(): void {
    this.ints = this.ints.slice(0, this.end);
  }

  private append(length: number): number {
    if (this.end + length > this.ints.length) {
      const grown = new Int32Array(Math.max(this.ints.length * 2, this.end + length, 1024));
      grown.set(this.ints.subarray(0, this.end));
      this.ints = grown;
    }
    const at = this.end;
    this.end += length;
    return at;
  }
}

/** The receivers of a row, as a new array the caller may keep. */
export function webhookIdsAt(ints: Int32Array, at: number): number[] {
  const count = ints[at + COUNT] as number;
  const first = ints[at + IDS] as number;
  if (count === 1) return [first];
  const ids = [first];
  for (let i = 1; i < count; i++) ids.push(ints[at + IDS + i] as number);
  return ids;
}
