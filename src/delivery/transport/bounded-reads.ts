import type { Socket } from 'node:net';

/** The most bytes undici's parser is handed at once from a delivery socket. */
export const MAX_READ_BYTES = 4096;

/**
 * Hands undici's HTTP parser at most `maxBytes` per read, and nothing once the socket is destroyed.
 * undici reads a socket in paused mode, taking everything buffered at once (64 KiB and more); when the
 * response headers pass maxHeaderSize it destroys the socket but parses the rest of that buffer anyway,
 * building an error for every further header: thousands of them for a receiver sending 10,000 headers.
 * With small reads that stop at the destroy, the overflow costs one small read more, not the whole buffer.
 */
export function boundReads(socket: Socket, maxBytes: number = MAX_READ_BYTES): Socket {
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    if (socket.destroyed) return null;
    if (size !== undefined) return read(size);
    const buffered = socket.readableLength;
    return buffered > maxBytes ? read(maxBytes) : read();
  };
  return socket;
}
