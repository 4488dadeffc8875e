import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSnippet } from './read-snippet.js';

describe('readSnippet', () => {
  it('reads a whole short body and null for an empty one', async () => {
    expect(await readSnippet(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]))).toBe('{"a":1}');
    expect(await readSnippet(Readable.from([]))).toBeNull();
  });

  it('stops draining and destroys the stream past the drain limit', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 1024;
        this.push(Buffer.alloc(1024, 'z'));
      },
    });
    const snippet = await readSnippet(endless, 64 * 1024);
    expect(snippet).toBe('z'.repeat(4096));
    await new Promise((resolve) => setImmediate(resolve));
    expect(endless.destroyed).toBe(true);
    expect(produced).toBeLessThan(128 * 1024);
  });

  it('rejects with the error that ended the stream', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('aborted'));
      },
    });
    await expect(readSnippet(failing)).rejects.toThrow('aborted');
  });
});
