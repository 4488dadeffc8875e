import { EventEmitter } from 'node:events';

/**
 * One attempt's time budget: one timer, no AbortController (measured on loopback, an AbortController per
 * request cost more than the rest of the transport's per-send work; bench/README.md).
 */
export class Deadline extends EventEmitter {
  aborted = false;
  reason: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private onExpire: ((reason: Error) => void) | null = null;

  constructor(ms: number) {
    super();
    this.timer = setTimeout(() => this.expire(), ms);
  }

  /** Must be called when the attempt ends, so the timer does not outlive it. */
  clear(): void {
    clearTimeout(this.timer);
  }

  /** Runs `cancel` when the budget runs out (the request in progress); one at a time. */
  whenExpired(cancel: (reason: Error) => void): void {
    this.onExpire = cancel;
  }

  private expire(): void {
    this.aborted = true;
    const reason = new DOMException('attempt timed out', 'TimeoutError');
    this.reason = reason;
    this.onExpire?.(reason);
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
