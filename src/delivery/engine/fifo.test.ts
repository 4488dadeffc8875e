import { describe, expect, it } from 'vitest';
import { Fifo } from './fifo.js';

describe('Fifo', () => {
  it('gives items back in the order they came, across compactions', () => {
    const fifo = new Fifo<number>();
    const taken: number[] = [];
    let next = 0;
    // Uneven pushes and takes, long enough to compact the front several times.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) fifo.push(next++);
      fifo.pushAll([next++, next++]);
      for (let i = 0; i < 250; i++) taken.push(fifo.shift() as number);
    }
    expect(fifo.length).toBe(next - taken.length);
    taken.push(...fifo.takeAll());
    expect(taken).toEqual(Array.from({ length: next }, (_, i) => i));
    expect(fifo.length).toBe(0);
    expect(fifo.shift()).toBeUndefined();
  });

  it('takeAll after some shifts returns only what is still queued', () => {
    const fifo = new Fifo<string>();
    fifo.pushAll(['a', 'b', 'c']);
    expect(fifo.shift()).toBe('a');
    expect(fifo.takeAll()).toEqual(['b', 'c']);
    fifo.push('d');
    expect(fifo.length).toBe(1);
    expect(fifo.shift()).toBe('d');
  });
});
