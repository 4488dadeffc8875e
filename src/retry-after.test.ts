import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

const now = Date.parse('2024-05-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an IMF-fixdate relative to now, negative when already past', () => {
    expect(parseRetryAfter('Wed, 01 May 2024 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed, 01 May 2024 11:59:00 GMT', now)).toBe(-60_000);
  });

  it('reads the obsolete RFC 850 and asctime date forms, both as GMT', () => {
    expect(parseRetryAfter('Wednesday, 01-May-24 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed May  1 12:00:20 2024', now)).toBe(20_000);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['5', '100'], now)).toBe(5_000);
  });

  it.each([undefined, '', 'soon', '-1', '1.5', '2024-05-01T12:00:10Z', 'Wed, 99 Foo 2024'])(
    'ignores %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeNull();
    },
  );
});
