import { describe, expect, it } from 'vitest';
import { Breaker } from './breaker.js';

const options = { threshold: 3, baseOpenMs: 1000, maxOpenMs: 4000 };

describe('Breaker', () => {
  it('stays closed below the threshold and resets on success', () => {
    const b = new Breaker(options);
    expect(b.onResult(false, 0)).toBe(false);
    expect(b.onResult(false, 0)).toBe(false);
    b.onResult(true, 0);
    expect(b.onResult(false, 0)).toBe(false);
    expect(b.allowance(0, 16)).toBe(16);
  });

  it('opens after threshold failures, lets one probe through when the backoff ends, doubles on failure', () => {
    const b = new Breaker(options);
    for (let i = 0; i < 2; i++) b.onResult(false, 0);
    expect(b.onResult(false, 0)).toBe(true);
    expect(b.mode(500)).toBe('open');
    expect(b.onResult(false, 600)).toBe(false); // a request started before the opening: no escalation
    expect(b.reopensAt()).toBe(1000);
    expect(b.allowance(500, 16)).toBe(0);
    expect(b.allowance(1000, 16)).toBe(1);
    b.onStart(1000);
    expect(b.allowance(1000, 16)).toBe(0);
    expect(b.onResult(false, 1000)).toBe(true);
    expect(b.reopensAt()).toBe(3000);
    b.onStart(3000);
    b.onResult(false, 3000);
    expect(b.reopensAt()).toBe(7000);
    b.onStart(7000);
    b.onResult(false, 7000);
    expect(b.reopensAt()).toBe(11000); // capped at maxOpenMs
  });

  it('closes on a successful probe', () => {
    const b = new Breaker(options);
    for (let i = 0; i < 3; i++) b.onResult(false, 0);
    b.onStart(1000);
    b.onResult(true, 1000);
    expect(b.mode(1000)).toBe('closed');
    expect(b.allowance(1000, 16)).toBe(16);
  });
});
