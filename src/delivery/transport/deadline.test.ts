import { describe, expect, it } from 'vitest';
import { Deadline } from './deadline.js';

describe('Deadline', () => {
  it('aborts once its time is up, with a TimeoutError reason, and tells listeners', async () => {
    const deadline = new Deadline(10);
    let told = false;
    deadline.once('abort', () => {
      told = true;
    });
    await expect(deadline.race(new Promise(() => {}))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(deadline.aborted).toBe(true);
    expect(told).toBe(true);
  });

  it('passes a result or an error through when it comes first, and stops listening', async () => {
    const deadline = new Deadline(10_000);
    await expect(deadline.race(Promise.resolve(7))).resolves.toBe(7);
    await expect(deadline.race(Promise.reject(new Error('nx')))).rejects.toThrow('nx');
    expect(deadline.listenerCount('abort')).toBe(0);
    deadline.clear();
    expect(deadline.aborted).toBe(false);
  });

  it('never fires after clear()', async () => {
    const deadline = new Deadline(5);
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.aborted).toBe(false);
  });

  it('rejects at once when already expired', async () => {
    const deadline = new Deadline(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(deadline.race(Promise.resolve(1))).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
