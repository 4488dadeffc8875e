import { describe, expect, it } from 'vitest';
import { expiresAtMs, timestampMs } from './expiry.js';

describe('event time', () => {
  it('reads a timestamp without a zone as UTC, like one with Z', () => {
    expect(timestampMs('2020-01-01T12:00:00')).toBe(Date.UTC(2020, 0, 1, 12));
    expect(timestampMs('2020-01-01T12:00:00Z')).toBe(Date.UTC(2020, 0, 1, 12));
    expect(timestampMs('2018-01-01T08:01:23.45')).toBe(Date.UTC(2018, 0, 1, 8, 1, 23, 450));
    expect(timestampMs('2020-01-01T14:00:00+02:00')).toBe(Date.UTC(2020, 0, 1, 12));
  });

  it('accepts the seven fractional digits .NET writes', () => {
    expect(timestampMs('2020-01-01T12:00:00.1234567Z')).toBe(Date.UTC(2020, 0, 1, 12, 0, 0, 123));
  });

  it('expires a positive TTL after Timestamp + TTL, never for -1', () => {
    expect(expiresAtMs('2020-01-01T12:00:00Z', 60)).toBe(Date.UTC(2020, 0, 1, 12, 1));
    expect(expiresAtMs('2020-01-01T12:00:00Z', -1)).toBeNull();
    expect(expiresAtMs('2020-01-01T12:00:00Z', undefined)).toBeNull();
  });
});
