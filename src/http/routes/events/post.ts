import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { EventBus } from '../../../bus/event-bus.js';
import { EventValidationError } from '../../../catalogue/index.js';
import { ApiError, errorBody } from '../../errors.js';
import { readJsonBody } from '../../json-body.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH = 1000;

/**
 * POST /v1/events: one event or an array of up to 1,000. The batch is atomic: any invalid event refuses
 * it whole (400 naming index and JSON path) and nothing is stored. 202 once durably recorded.
 */
export function postEvents(bus: EventBus): Hono {
  const app = new Hono();
  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      // The rest of the body is never read, so the socket cannot be reused: tell the client to drop it.
      onError: (c) =>
        c.json(errorBody(new ApiError('PAYLOAD_TOO_LARGE', `Body exceeds ${MAX_BODY_BYTES} bytes`)), 413, {
          connection: 'close',
        }),
    }),
    async (c) => {
      const body = await readJsonBody(c);
      const single = !Array.isArray(body);
      const events = single ? [body] : (body as unknown[]);
      if (events.length === 0)
        throw new ApiError('BAD_REQUEST', 'The batch is empty', [{ path: '$', message: 'empty array' }]);
      if (events.length > MAX_BATCH) {
        throw new ApiError('BAD_REQUEST', `A batch holds at most ${MAX_BATCH} events, got ${events.length}`, [
          { path: '$', message: `more than ${MAX_BATCH} events` },
        ]);
      }
      try {
        const results = single ? [await bus.publish(body)] : await bus.publishBatch(events);
        return c.json({ Results: results }, 202);
      } catch (error) {
        if (error instanceof EventValidationError) {
          throw new ApiError(
            'INVALID_EVENT',
            single ? 'The event is invalid' : 'The batch holds invalid events; none was accepted',
            error.problems,
          );
        }
        throw error;
      }
    },
  );
  return app;
}
