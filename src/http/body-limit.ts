import { bodyLimit } from 'hono/body-limit';
import { ApiError, errorBody } from './errors.js';

/** Refuses a body over maxBytes with 413, reading no more of it than the limit. */
export function limitBody(maxBytes: number, what: string) {
  return bodyLimit({
    maxSize: maxBytes,
    // The rest of the body is never read, so the socket cannot be reused: tell the client to drop it.
    onError: (c) =>
      c.json(
        errorBody(
          new ApiError('PAYLOAD_TOO_LARGE', `${what} exceeds ${maxBytes} bytes`, [
            { path: '$', message: `more than ${maxBytes} bytes` },
          ]),
        ),
        413,
        { connection: 'close' },
      ),
  });
}
