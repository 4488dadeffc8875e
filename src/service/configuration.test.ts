import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/wait.js';
import { coalescing } from './configuration.js';

describe('coalescing', () => {
  it('runs one reload for a burst of signals, and one more for signals during it', async () => {
    let runs = 0;
    let trigger: () => void = () => {};
    trigger = coalescing(() => {
      runs++;
      // Signals arriving while a reload runs ask for one more reload, however many they are.
      if (runs === 1) for (let i = 0; i < 10; i++) trigger();
    });
    for (let i = 0; i < 10; i++) trigger();
    await waitFor(() => runs === 2, 'two reloads');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(2);
    trigger();
    await waitFor(() => runs === 3, 'a later signal reloads again');
  });

  it('keeps going after a reload that throws', async () => {
    let runs = 0;
    const trigger = coalescing(() => {
      runs++;
      throw new Error('bad document');
    });
    trigger();
    await waitFor(() => runs === 1, 'first');
    trigger();
    await waitFor(() => runs === 2, 'second');
  });
});
