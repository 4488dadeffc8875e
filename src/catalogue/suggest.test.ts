import { describe, expect, it } from 'vitest';
import { editDistance, suggestEventTypes, tokens } from './suggest.js';

describe('tokens', () => {
  it('splits CamelCase, acronyms and separators, lower-cased', () => {
    expect(tokens('QueueCallInUserConnected')).toEqual(['queue', 'call', 'in', 'user', 'connected']);
    expect(tokens('TTLSeconds')).toEqual(['ttl', 'seconds']);
    expect(tokens('user_status-2')).toEqual(['user', 'status', '2']);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions', () => {
    expect(editDistance('status', 'status')).toBe(0);
    expect(editDistance('status', 'statsu')).toBe(1);
    expect(editDistance('connected', 'disconnected')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('suggestEventTypes', () => {
  it('prefers the type that has every word written over a nearer spelling (the spec sample typo)', () => {
    const suggestions = suggestEventTypes('QueueCallInConnected');
    expect(suggestions[0]).toBe('QueueCallInUserConnected');
    expect(suggestions).toContain('QueueCallInDisconnected');
    expect(suggestions.length).toBeLessThanOrEqual(3);
  });

  it.each([
    ['QueueCallInAllocated', 'QueueCallInUserAllocated'],
    ['UserStatsu', 'UserStatus'],
    ['userstatus', 'UserStatus'],
    ['user_status', 'UserStatus'],
    ['CallbackChange', 'CallbackChanged'],
    ['QueueCallinUserConected', 'QueueCallInUserConnected'],
    ['UserCallInArrive', 'UserCallInArrived'],
  ])('%s -> %s first', (name, best) => {
    expect(suggestEventTypes(name)[0]).toBe(best);
  });

  it('offers the types sharing a distinctive word', () => {
    expect(suggestEventTypes('Status')).toEqual(['UserStatus', 'QueueStatus', 'CallbackListStatus']);
  });

  it.each(['Banana', 'Foo', 'Hello World', 'X', '', '---'])('offers nothing for %j', (name) => {
    expect(suggestEventTypes(name)).toEqual([]);
  });
});
