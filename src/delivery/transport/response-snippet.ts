/** How much of a response body is kept for diagnosis. */
export const SNIPPET_MAX_BYTES = 4096;

/**
 * Collects at most `maxBytes` of a response body while the rest streams past, then renders it as UTF-8
 * cut at a character boundary, so a snippet never ends in a replacement character of its own making.
 */
export class SnippetCollector {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  /** Every byte seen, kept or not. */
  total = 0;

  constructor(private readonly maxBytes: number = SNIPPET_MAX_BYTES) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.maxBytes - this.kept;
    if (room <= 0) return;
    const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(piece);
    this.kept += piece.length;
  }

  /** Null for an empty body. */
  text(): string | null {
    if (this.kept === 0) return null;
    const bytes =
      this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.kept);
    const end = this.total > this.kept ? utf8Boundary(bytes, bytes.length) : bytes.length;
    return bytes.toString('utf8', 0, end);
  }
}

/** The largest end <= `end` that does not split a UTF-8 sequence. */
export function utf8Boundary(bytes: Uint8Array, end: number): number {
  // Walk back over at most three continuation bytes to the lead byte of the last sequence.
  let lead = end - 1;
  while (lead >= 0 && end - lead <= 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead--;
  if (lead < 0) return end;
  const first = bytes[lead] ?? 0;
  const length = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return end - lead >= length ? end : lead;
}

const MASK = '***';

/**
 * The snippet with the webhook's Secret masked: a receiver echoing X-Benemen-Token back must not put the
 * Secret into the store, the trace or the logs. A snippet cut at the limit may end in the first part of
 * the Secret, so that part is masked too.
 */
export function redactSnippet(snippet: string | null, secret: string | null): string | null {
  if (snippet === null || !secret) return snippet;
  // A snippet this long may have been cut (at a character boundary, up to 3 bytes short of the limit).
  const cut = Buffer.byteLength(snippet) >= SNIPPET_MAX_BYTES - 3;
  let text = snippet.split(secret).join(MASK);
  if (cut) {
    for (let k = Math.min(secret.length - 1, text.length); k > 0; k--) {
      if (text.endsWith(secret.slice(0, k))) {
        text = `${text.slice(0, text.length - k)}${MASK}`;
        break;
      }
    }
  }
  return text;
}
