import { EventEmitter } from 'node:events';

/**
 * One attempt's time budget, usable as the abort signal of an undici request. undici accepts an
 * EventEmitter with `aborted`/`reason` as well as an AbortSignal, and measured on loopback an
 * AbortController per request costs more than all the rest of the transport's per-send work.
 */
export class Deadline extends EventEmitter {
  aborted = false;
  reason: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => this.expire(), ms);
  }

  /** Must be called when the attempt ends, so the timer does not outlive it. */
  clear(): void {
    clearTimeout(this.timer);
  }

  private expire(): void {
    this.aborted = true;
    this.reason = new DOMException('attempt timed out', 'TimeoutError');
    this.emit('abort');
  }

  /** Lets a step that cannot be cancelled (a DNS query) be abandoned when the budget runs out. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.aborted) return Promise.reject(this.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.reason);
      this.once('abort', onAbort);
      promise.then(
        (value) => {
          this.off('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          this.off('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
