import { createRoute, z } from '@hono/zod-openapi';
import { EVENT_TYPES, eventJsonSchema } from '../../../catalogue/index.js';
import { producerErrors as errors } from '../openapi-errors.js';
import { MAX_BATCH } from './post.js';

/** Each event type's JSON Schema from the catalogue, as an OpenAPI component (Event.UserStatus, ...). */
export function eventSchemaComponents(): [string, object][] {
  return EVENT_TYPES.map((type) => {
    const { $schema: _, ...schema } = eventJsonSchema(type) as Record<string, unknown>;
    return [`Event.${type}`, schema];
  });
}

const anyEvent = { oneOf: EVENT_TYPES.map((type) => ({ $ref: `#/components/schemas/Event.${type}` })) };

/**
 * POST /v1/events as the document describes it. Declared only: the route keeps its own fast body parsing
 * and validation by the catalogue (zod is not run a second time on the hot path).
 */
export const postEventsRoute = createRoute({
  method: 'post',
  path: '/v1/events',
  tags: ['producer'],
  summary: `Publishes one event or an atomic batch of up to ${MAX_BATCH}`,
  security: [{ ProducerToken: [] }],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: { oneOf: [anyEvent, { type: 'array', items: anyEvent, minItems: 1, maxItems: MAX_BATCH }] },
        },
      },
    },
  },
  responses: {
    202: {
      description: 'Durably recorded (a duplicate Id is acknowledged, not stored again)',
      content: {
        'application/json': {
          schema: z.object({
            Results: z.array(z.object({ Id: z.string(), Matched: z.int(), Duplicate: z.boolean() })),
          }),
        },
      },
    },
    ...errors({
      400: 'Invalid event(s): every problem with its index and JSON path; nothing stored',
      401: 'Missing or invalid producer token',
      403: "An event outside the token's Organizations; nothing stored",
      413: 'Body over 1 MiB',
      415: 'Content-Type is not application/json',
      503: 'The store refused the write; nothing accepted (Retry-After: 1)',
    }),
  },
});
