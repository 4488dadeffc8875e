import { describe, expect, it } from 'vitest';
import { cachingLookup } from './caching-lookup.js';

function counting(answers: Record<string, string>) {
  const calls: string[] = [];
  const lookup = async (hostname: string) => {
    calls.push(hostname);
    const address = answers[hostname];
    if (address === undefined) throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
  return { lookup, calls, answers };
}

describe('cachingLookup', () => {
  it('reuses an answer within the TTL and asks again after it', async () => {
    let now = 1_000;
    const source = counting({ a: '93.184.216.34' });
    const lookup = cachingLookup(source.lookup, { ttlMs: 30_000, now: () => now });
    await lookup('a');
    now += 29_999;
    await lookup('a');
    expect(source.calls).toEqual(['a']);
    source.answers.a = '127.0.0.1';
    now += 1;
    expect(await lookup('a')).toEqual([{ address: '127.0.0.1', family: 4 }]);
    expect(source.calls).toEqual(['a', 'a']);
  });

  it('shares one in-flight query between concurrent callers', async () => {
    const source = counting({ a: '93.184.216.34' });
    const lookup = cachingLookup(source.lookup);
    await Promise.all([lookup('a'), lookup('a'), lookup('a')]);
    expect(source.calls).toEqual(['a']);
  });

  it('does not remember failures', async () => {
    const source = counting({});
    const lookup = cachingLookup(source.lookup);
    await expect(lookup('b')).rejects.toThrow('nx');
    source.answers.b = '93.184.216.34';
    expect(await lookup('b')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(source.calls).toEqual(['b', 'b']);
  });

  it('evicts the oldest name beyond maxEntries', async () => {
    const source = counting({ a: '1.1.1.1', b: '1.0.0.1', c: '8.8.8.8' });
    const lookup = cachingLookup(source.lookup, { maxEntries: 2 });
    await lookup('a');
    await lookup('b');
    await lookup('c');
    await lookup('b');
    await lookup('a');
    expect(source.calls).toEqual(['a', 'b', 'c', 'a']);
  });
});
