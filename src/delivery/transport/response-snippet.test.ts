import { describe, expect, it } from 'vitest';
import { SNIPPET_MAX_BYTES, SnippetCollector, utf8Boundary } from './response-snippet.js';

describe('SnippetCollector', () => {
  it('is null for an empty body', () => {
    expect(new SnippetCollector().text()).toBeNull();
  });

  it('joins chunks of a short body unchanged', () => {
    const collector = new SnippetCollector();
    collector.push(Buffer.from('{"error":'));
    collector.push(Buffer.from('"nope"}'));
    expect(collector.text()).toBe('{"error":"nope"}');
    expect(collector.total).toBe(16);
  });

  it('keeps 4 KiB of a large body while counting all of it', () => {
    const collector = new SnippetCollector();
    for (let i = 0; i < 10; i++) collector.push(Buffer.alloc(1000, 'a'));
    expect(collector.text()).toBe('a'.repeat(SNIPPET_MAX_BYTES));
    expect(collector.total).toBe(10_000);
  });

  it('cuts before a multi-byte character split by the limit', () => {
    const collector = new SnippetCollector(5);
    collector.push(Buffer.from('abcd€€'));
    expect(collector.text()).toBe('abcd');
  });

  it('keeps a character that ends exactly at the limit', () => {
    const collector = new SnippetCollector(7);
    collector.push(Buffer.from('abcd€x'));
    expect(collector.text()).toBe('abcd€');
  });
});

describe('utf8Boundary', () => {
  const bytes = Buffer.from('a€😀');
  it.each([
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 4],
    [5, 4],
    [6, 4],
    [7, 4],
    [8, 8],
  ])('end %i -> %i', (end, expected) => {
    expect(utf8Boundary(bytes, end)).toBe(expected);
  });

  it('leaves a stray continuation byte run to the decoder', () => {
    expect(utf8Boundary(Buffer.from([0x61, 0x80, 0x80, 0x80, 0x80, 0x80]), 6)).toBe(6);
  });
});
