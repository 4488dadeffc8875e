import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundReads, MAX_READ_BYTES } from './bounded-reads.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const BUFFERED = 16 * 1024; // a socket's default high-water mark: what it buffers unread

/** A connected client socket in paused mode, as undici reads it, holding BUFFERED bytes unread. */
async function clientHolding(): Promise<Socket> {
  const server = createServer((peer) => peer.end(Buffer.alloc(4 * BUFFERED, 'h')));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  cleanups.push(() => {
    socket.destroy();
    server.close();
  });
  socket.on('error', () => {});
  // A 'readable' listener makes the socket fill its buffer, as undici's does; nothing is read here.
  socket.on('readable', () => {});
  while (socket.readableLength < BUFFERED) await new Promise((resolve) => setTimeout(resolve, 5));
  return socket;
}

describe('boundReads', () => {
  it('hands out at most MAX_READ_BYTES per read of everything buffered', async () => {
    const socket = boundReads(await clientHolding());
    const sizes: number[] = [];
    for (let chunk = socket.read(); chunk !== null; chunk = socket.read()) sizes.push(chunk.length);
    expect(sizes.length).toBeGreaterThanOrEqual(BUFFERED / MAX_READ_BYTES);
    expect(Math.max(...sizes)).toBe(MAX_READ_BYTES);
  });

  it('hands out nothing more once the socket is destroyed, as undici does on a header overflow', async () => {
    const socket = boundReads(await clientHolding());
    expect(socket.read()?.length).toBe(MAX_READ_BYTES);
    socket.destroy();
    expect(socket.read()).toBeNull();
  });
});
