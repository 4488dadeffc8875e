import { describe, expect, it } from 'vitest';
import { effectiveDelayMs, MAX_RETRY_AFTER_MS, retryDelayMs } from './retry-delay.js';

const schedule = [10, 60, 300] as const;
const fixed = (value: number) => () => value;

/** A small deterministic generator (mulberry32) so the jitter distribution can be checked. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('retryDelayMs', () => {
  it('takes the schedule entry for the number of failed attempts, unjittered at random 0.5', () => {
    expect(retryDelayMs(schedule, 1, fixed(0.5))).toBe(10_000);
    expect(retryDelayMs(schedule, 2, fixed(0.5))).toBe(60_000);
    expect(retryDelayMs(schedule, 3, fixed(0.5))).toBe(300_000);
  });

  it('returns null once the schedule is exhausted: 1 + schedule length attempts in all', () => {
    expect(retryDelayMs(schedule, 4, fixed(0.5))).toBeNull();
    expect(retryDelayMs([], 1, fixed(0.5))).toBeNull();
  });

  it('returns null for a nonsensical attempt count rather than inventing a delay', () => {
    expect(retryDelayMs(schedule, 0, fixed(0.5))).toBeNull();
    expect(retryDelayMs(schedule, -1, fixed(0.5))).toBeNull();
    expect(retryDelayMs(schedule, 1.5, fixed(0.5))).toBeNull();
  });

  it('jitters by at most ±20 %', () => {
    expect(retryDelayMs(schedule, 2, fixed(0))).toBe(48_000);
    expect(retryDelayMs(schedule, 2, fixed(0.999999))).toBe(72_000);
    expect(retryDelayMs(schedule, 1, fixed(0.75))).toBe(11_000);
  });

  it('spreads delays across the whole band with a seeded generator', () => {
    const random = seeded(42);
    const delays = Array.from({ length: 2000 }, () => retryDelayMs([100], 1, random) ?? Number.NaN);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(80_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(120_000);
    expect(Math.min(...delays)).toBeLessThan(82_000);
    expect(Math.max(...delays)).toBeGreaterThan(118_000);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(Math.abs(mean - 100_000)).toBeLessThan(2_000);
  });
});

describe('effectiveDelayMs', () => {
  it('uses the scheduled delay when there is no Retry-After', () => {
    expect(effectiveDelayMs(10_000, null)).toBe(10_000);
  });

  it('lengthens the delay to a longer Retry-After', () => {
    expect(effectiveDelayMs(10_000, 120_000)).toBe(120_000);
  });

  it('never retries sooner than scheduled, whatever the receiver asks', () => {
    expect(effectiveDelayMs(10_000, 0)).toBe(10_000);
    expect(effectiveDelayMs(10_000, 2_000)).toBe(10_000);
    expect(effectiveDelayMs(10_000, -5_000)).toBe(10_000);
    expect(effectiveDelayMs(10_000, Number.NaN)).toBe(10_000);
  });

  it('caps Retry-After at one hour', () => {
    expect(effectiveDelayMs(10_000, 3 * 24 * 3600_000)).toBe(MAX_RETRY_AFTER_MS);
    expect(effectiveDelayMs(10_000, Number.POSITIVE_INFINITY)).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
  });

  it('keeps a scheduled delay longer than the cap', () => {
    expect(effectiveDelayMs(7_200_000, 3_600_000 * 5)).toBe(7_200_000);
  });
});
