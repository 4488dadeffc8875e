import { Hono } from 'hono';
import type { EventBus } from '../../../bus/event-bus.js';
import { EventValidationError } from '../../../catalogue/index.js';
import { inScope, type ProducerEnv, type ProducerScope } from '../../auth.js';
import { limitBody } from '../../body-limit.js';
import { ApiError } from '../../errors.js';
import { readJsonBody } from '../../json-body.js';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH = 1000;

/**
 * POST /v1/events: one event or an array of up to 1,000. The batch is atomic: any invalid event refuses
 * it whole (400 naming index and JSON path) and nothing is stored. 202 once durably recorded.
 */
export function postEvents(bus: EventBus): Hono<ProducerEnv> {
  const app = new Hono<ProducerEnv>();
  app.post('/', limitBody(MAX_BODY_BYTES, 'Body'), async (c) => {
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
    refuseOutOfScope(c.get('producer'), events, single);
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
  });
  return app;
}

/** A scoped token publishes only for its organizations: one event outside them refuses the whole batch. */
function refuseOutOfScope(scope: ProducerScope, events: readonly unknown[], single: boolean): void {
  if (scope.organizations === null) return;
  const problems = events.flatMap((event, index) => {
    const organizationId =
      typeof event === 'object' && event !== null ? (event as { RootEntityId?: unknown }).RootEntityId : null;
    if (typeof organizationId !== 'string' || inScope(scope, organizationId)) return [];
    const path = single ? '$.RootEntityId' : `$[${index}].RootEntityId`;
    return [{ path, message: `organization "${organizationId}" is outside this token's Organizations` }];
  });
  if (problems.length > 0) {
    throw new ApiError(
      'FORBIDDEN',
      single
        ? "The event's organization is outside this token's scope"
        : "The batch holds events outside this token's scope; none was accepted",
      problems,
    );
  }
}
