import { describe, expect, it } from 'vitest';
import { PinnedPools } from './pinned-pools.js';

describe('PinnedPools', () => {
  it('reuses one pool per origin and InsecureSSL flag, never sharing across the flag', async () => {
    const pools = new PinnedPools({ connectionsPerOrigin: 4 });
    const verified = pools.get('https://hooks.example.com', false);
    expect(pools.get('https://hooks.example.com', false)).toBe(verified);
    const insecure = pools.get('https://hooks.example.com', true);
    expect(insecure).not.toBe(verified);
    expect(insecure.pool).not.toBe(verified.pool);
    expect(pools.get('https://other.example.com', false)).not.toBe(verified);
    expect(pools.size).toBe(3);
    await pools.close();
    // Shutdown destroys: the engine has already waited its grace period for requests in flight.
    expect(verified.pool.destroyed).toBe(true);
    expect(insecure.pool.destroyed).toBe(true);
    expect(pools.size).toBe(0);
  });

  it('refuses to open a socket before an address was pinned', async () => {
    const pools = new PinnedPools({ connectionsPerOrigin: 1 });
    const entry = pools.get('http://never-resolved.invalid:8080', false);
    await expect(entry.pool.request({ method: 'POST', path: '/', body: '{}' })).rejects.toThrow(
      'no approved address for http://never-resolved.invalid:8080',
    );
    await pools.close();
  });

  it('closes the least recently used pool when full', async () => {
    const pools = new PinnedPools({ connectionsPerOrigin: 1, maxPools: 2 });
    const a = pools.get('https://a.example', false);
    const b = pools.get('https://b.example', false);
    pools.get('https://a.example', false);
    const c = pools.get('https://c.example', false);
    expect(pools.size).toBe(2);
    expect(b.pool.closed).toBe(true);
    expect(a.pool.closed).toBe(false);
    expect(pools.get('https://a.example', false)).toBe(a);
    expect(pools.get('https://c.example', false)).toBe(c);
    await pools.close();
  });
});
