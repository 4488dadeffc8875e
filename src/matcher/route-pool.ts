/**
 * Layout of a route row: the organization's number, the offset of the next row for the same (event type,
 * entity) in another organization (-1 at the end), then the receivers.
 */
export const ORGANIZATION = 0;
export const NEXT = 1;
export const COUNT = 2;
export const IDS = 3;

const LARGEST_ID = 0x7fff_ffff;
const INT_BYTES = Int32Array.BYTES_PER_ELEMENT;
const FIRST_INTS = 1024;
/**
 * Address space a pool reserves, so that it grows in place (1 GiB: 20 million rows of 10 receivers).
 * Only what the rows use is memory; past this a pool grows by a copy into a larger reservation.
 */
const RESERVED_BYTES = 2 ** 30;

/** ArrayBuffer's resizable form (ES2024; Node 20 has it, the ES2023 typings do not). */
interface ResizableBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
const Resizable = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableBuffer;

/** A buffer of `ints` that grows in place up to `reserved` bytes; a plain one where none can be reserved. */
function reserve(ints: number, reserved: number): ResizableBuffer | ArrayBuffer {
  try {
    return new Resizable(ints * INT_BYTES, { maxByteLength: Math.max(reserved, ints * INT_BYTES) });
  } catch {
    return new ArrayBuffer(ints * INT_BYTES);
  }
}

const resizable = (buffer: ArrayBuffer): buffer is ResizableBuffer =>
  (buffer as { resizable?: boolean }).resizable === true;

/**
 * Route rows packed in one Int32Array. A match reads one row, and rows of 100,000 subscriptions kept
 * side by side in a typed array stay within fewer cache lines and pages than as many small objects.
 * Released rows are reused by rows of the same length, so membership updates do not grow the pool. The
 * array's buffer grows in place: a pool of a million rows grown by a copy would hold the event loop for
 * the copy, in whichever step of a group update needed the room.
 */
export class RoutePool {
  ints: Int32Array;
  private end = 0;
  private readonly released = new Map<number, number[]>();

  /** `reservedBytes`: the address space to grow into in place (tests give a small one). */
  constructor(private readonly reservedBytes = RESERVED_BYTES) {
    this.ints = new Int32Array(reserve(FIRST_INTS, reservedBytes), 0, FIRST_INTS);
  }

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
    this.resize(this.end);
  }

  private append(length: number): number {
    if (this.end + length > this.ints.length) {
      this.resize(Math.max(this.ints.length * 2, this.end + length, FIRST_INTS));
    }
    const at = this.end;
    this.end += length;
    return at;
  }

  /** Makes the array `ints` long, keeping the rows: in place where the reservation allows, else copied. */
  private resize(ints: number): void {
    const buffer = this.ints.buffer as ArrayBuffer;
    if (resizable(buffer) && ints * INT_BYTES <= buffer.maxByteLength) {
      buffer.resize(ints * INT_BYTES);
      this.ints = new Int32Array(buffer, 0, ints);
      return;
    }
    const grown = new Int32Array(reserve(ints, 2 * Math.max(this.reservedBytes, ints * INT_BYTES)), 0, ints);
    grown.set(this.ints.subarray(0, Math.min(this.end, ints)));
    this.ints = grown;
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
