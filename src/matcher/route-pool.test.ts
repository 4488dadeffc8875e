import { describe, expect, it } from 'vitest';
import { NEXT, ORGANIZATION, RoutePool, webhookIdsAt } from './route-pool.js';

describe('RoutePool', () => {
  it('stores rows that read back as organization, next row and receivers', () => {
    const pool = new RoutePool();
    const first = pool.add(1, -1, [10]);
    const second = pool.add(2, first, [20, 21, 22]);
    expect(webhookIdsAt(pool.ints, first)).toEqual([10]);
    expect(webhookIdsAt(pool.ints, second)).toEqual([20, 21, 22]);
    expect([pool.ints[second + ORGANIZATION], pool.ints[second + NEXT]]).toEqual([2, first]);
  });

  it('reuses a released row for a row of the same length only', () => {
    const pool = new RoutePool();
    const released = pool.add(1, -1, [10, 11]);
    pool.add(1, -1, [12]);
    pool.release(released);
    const longer = pool.add(1, -1, [13, 14, 15]);
    const same = pool.add(3, -1, [16, 17]);
    expect(longer).not.toBe(released);
    expect(same).toBe(released);
    expect(webhookIdsAt(pool.ints, same)).toEqual([16, 17]);
  });

  it('keeps every row when it grows', () => {
    const pool = new RoutePool();
    const rows = Array.from({ length: 2_000 }, (_, i) => pool.add(i, -1, [i, i + 1]));
    expect(pool.ints.length).toBeGreaterThan(1024);
    expect(rows.every((at, i) => webhookIdsAt(pool.ints, at).join() === `${i},${i + 1}`)).toBe(true);
  });

  it('grows in place within its reservation, and by a copy into a larger one past it', () => {
    const pool = new RoutePool(64 * 1024);
    const buffer = pool.ints.buffer;
    const first = Array.from({ length: 3_000 }, (_, i) => pool.add(i, -1, [i, i + 1]));
    expect(pool.ints.length).toBeGreaterThan(1024);
    expect(pool.ints.buffer).toBe(buffer); // no copy: the same memory, longer
    const more = Array.from({ length: 3_000 }, (_, i) => pool.add(i, -1, [i + 2]));
    expect(pool.ints.length * 4).toBeGreaterThan(64 * 1024);
    expect(pool.ints.buffer).not.toBe(buffer);
    expect(first.every((at, i) => webhookIdsAt(pool.ints, at).join() === `${i},${i + 1}`)).toBe(true);
    expect(more.every((at, i) => webhookIdsAt(pool.ints, at).join() === `${i + 2}`)).toBe(true);
  });

  it('keeps every row when trimmed to its contents and grown again', () => {
    const pool = new RoutePool();
    const first = pool.add(1, -1, [10, 11]);
    pool.trim();
    expect(pool.ints.length).toBe(5);
    const second = pool.add(2, first, [20]);
    expect(webhookIdsAt(pool.ints, first)).toEqual([10, 11]);
    expect(webhookIdsAt(pool.ints, second)).toEqual([20]);
  });

  it('rejects webhook ids an Int32Array cannot hold, before writing anything', () => {
    const pool = new RoutePool();
    expect(() => pool.add(1, -1, [2 ** 31])).toThrow(RangeError);
    expect(() => pool.add(1, -1, [1.5])).toThrow(RangeError);
    expect(() => pool.add(1, -1, [-1])).toThrow(RangeError);
    expect(pool.add(1, -1, [7])).toBe(0);
  });
});
