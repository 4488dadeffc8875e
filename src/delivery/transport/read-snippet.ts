import type { Readable } from 'node:stream';
import { SnippetCollector } from './response-snippet.js';

/** Past this much response body the socket is cheaper to drop than to drain. */
export const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * Drains a response body so its keep-alive socket goes back to the pool, keeping only the diagnostic
 * snippet in memory. Event listeners rather than for-await: the async iterator costs a measurable share
 * of a loopback request. Rejects with the stream's error (the attempt's deadline destroys it).
 */
export function readSnippet(body: Readable, maxDrainBytes: number = MAX_DRAIN_BYTES): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const snippet = new SnippetCollector();
    body.on('data', (chunk: Buffer) => {
      snippet.push(chunk);
      if (snippet.total > maxDrainBytes) {
        resolve(snippet.text());
        body.destroy();
      }
    });
    body.once('end', () => resolve(snippet.text()));
    body.once('error', reject);
  });
}
