import { describe, expect, it } from 'vitest';
import { csrfMatches, SessionStore } from '../../src/console/session.js';

const identity = { name: 'alice', role: 'editor', organizations: null };

describe('console sessions', () => {
  it('end after the idle time, each request renewing it', () => {
    let now = 0;
    const store = new SessionStore({ idleMs: 1000, now: () => now });
    const s = store.signIn(null, 'token', identity);
    now = 900;
    expect(store.get(s.id)).not.toBeNull();
    now = 1800;
    expect(store.get(s.id)).not.toBeNull();
    now = 2801;
    expect(store.get(s.id)).toBeNull();
  });

  it('keep at most max, dropping the least recently used', () => {
    const store = new SessionStore({ max: 2 });
    const a = store.create();
    const b = store.create();
    store.get(a.id);
    store.create();
    expect(store.size).toBe(2);
    expect(store.get(b.id)).toBeNull();
    expect(store.get(a.id)).not.toBeNull();
  });

  it('gets a new id and CSRF token at sign-in, and the old id is gone', () => {
    const store = new SessionStore();
    const before = store.create();
    const after = store.signIn(before, 'token', identity);
    expect(after.id).not.toBe(before.id);
    expect(after.csrf).not.toBe(before.csrf);
    expect(store.get(before.id)).toBeNull();
    expect(store.get(after.id)?.token).toBe('token');
  });

  it('compares CSRF tokens exactly', () => {
    const s = new SessionStore().create();
    expect(csrfMatches(s, s.csrf)).toBe(true);
    expect(csrfMatches(s, `${s.csrf}x`)).toBe(false);
    expect(csrfMatches(s, s.csrf.slice(1))).toBe(false);
    expect(csrfMatches(s, undefined)).toBe(false);
  });
});
