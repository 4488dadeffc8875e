import { Hono } from 'hono';
import { EVENT_TYPE_INFO, EVENT_TYPES, type EventType, eventJsonSchema } from '../../../catalogue/index.js';
import { ApiError } from '../../errors.js';

/** GET /v1/event-types and /v1/event-types/{EventType}: the catalogue with JSON Schemas, for integrators. */
export function getEventTypes(): Hono {
  const app = new Hono();
  const known = new Set<string>(EVENT_TYPES);
  app.get('/', (c) =>
    c.json({
      EventTypes: EVENT_TYPE_INFO.map((info) => ({ ...info, JsonSchema: eventJsonSchema(info.EventType) })),
    }),
  );
  app.get('/:eventType', (c) => {
    const name = c.req.param('eventType');
    if (!known.has(name)) throw new ApiError('NOT_FOUND', `Unknown EventType "${name}"`);
    const info = EVENT_TYPE_INFO.find((i) => i.EventType === name);
    return c.json({ ...info, JsonSchema: eventJsonSchema(name as EventType) });
  });
  return app;
}
