/**
 * First in, first out, with O(1) take from the front. Array.prototype.shift moves every element once an
 * array outgrows V8's in-place trimming, which made a lane holding tens of thousands of deliveries spend
 * more time shifting than sending (bench/README.md, "Figures behind the code").
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  pushAll(items: readonly T[]): void {
    for (const item of items) this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    (this.items as (T | undefined)[])[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) this.clear();
    // Reclaim the taken front once it is most of the array, so memory follows what is still queued.
    else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Each item still queued, oldest first (the queue unchanged). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }

  /** Everything queued, oldest first, leaving the queue empty. */
  takeAll(): T[] {
    const taken = this.head === 0 ? this.items : this.items.slice(this.head);
    this.clear();
    return taken;
  }

  private clear(): void {
    this.items = [];
    this.head = 0;
  }
}
