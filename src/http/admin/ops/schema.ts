import { z } from '@hono/zod-openapi';
import { eventTypeProblem } from '../../../config/event-type.js';
import { strictQuery } from '../strict-query.js';

/** What support's operations answer, as the OpenAPI document describes them (PascalCase, times in ISO 8601). */
const time = z.string().openapi({ description: 'ISO 8601, UTC' });
const nullableTime = time.nullable();

export const attemptSchema = z
  .object({
    AttemptNo: z.number().int(),
    StartedAt: time,
    DurationMs: z.number().int(),
    StatusCode: z.number().int().nullable(),
    ErrorClass: z.string().nullable(),
    ErrorMessage: z.string().nullable(),
    ResponseSnippet: z.string().nullable(),
  })
  .openapi('Attempt');

export const eventSummarySchema = z
  .object({
    Id: z.string(),
    OrganizationId: z.string(),
    EventType: z.string(),
    EntityId: z.string(),
    Timestamp: z.string(),
    AcceptedAt: time,
    ExpiresAt: nullableTime,
    Matched: z.number().int(),
    Deliveries: z.record(z.string(), z.number().int()).openapi({ description: 'deliveries by state' }),
  })
  .openapi('EventSummary');

export const subscriptionVerdictSchema = z
  .object({
    WebhookId: z.string(),
    Endpoint: z.string(),
    Target: z.string(),
    WebhookEnabled: z.boolean(),
    Matches: z.boolean(),
    Reasons: z.array(z.string()),
    Note: z.string().nullable(),
  })
  .openapi('SubscriptionVerdict');

export const eventDetailSchema = z
  .object({
    Event: eventSummarySchema.nullable(),
    Pruned: z.object({ AcceptedAt: time, PrunedAt: time, RetentionDays: z.number() }).nullable(),
    Deliveries: z.array(
      z.object({
        DeliveryId: z.number().int(),
        WebhookId: z.string(),
        Endpoint: z.string(),
        Description: z.string().nullable(),
        State: z.string(),
        AttemptCount: z.number().int(),
        NextAttemptAt: nullableTime,
        Attempts: z.array(attemptSchema),
      }),
    ),
    Subscriptions: z.array(subscriptionVerdictSchema),
    Text: z.array(z.string()).openapi({ description: 'the same answer as `gateway trace`, line by line' }),
  })
  .openapi('EventTrace');

export const deliverySummarySchema = z
  .object({
    DeliveryId: z.number().int(),
    EventId: z.string(),
    EventType: z.string(),
    EntityId: z.string(),
    WebhookId: z.string(),
    State: z.string(),
    AttemptCount: z.number().int(),
    CreatedAt: time,
    NextAttemptAt: nullableTime,
    LastAttemptAt: nullableTime,
    LastStatus: z.number().int().nullable(),
    LastErrorClass: z.string().nullable(),
    FinishedAt: nullableTime,
    RequeuedFrom: z.string().nullable(),
    Queued: z.boolean().openapi({
      description:
        'in_flight but not attempted yet: the gateway answering has claimed it and it waits there for a place under MaxInFlightPerEndpoint (or for its breaker); it is sent next, so a redeliver changes nothing',
    }),
  })
  .openapi('DeliverySummary');

export const deliveryDetailSchema = deliverySummarySchema
  .extend({
    OrganizationId: z.string(),
    Endpoint: z.string(),
    LastError: z.string().nullable(),
    Attempts: z.array(attemptSchema),
  })
  .openapi('Delivery');

const windowSchema = z.object({
  Attempts: z.number().int(),
  SuccessRate: z.number().nullable(),
  P50Ms: z.number().nullable(),
  P99Ms: z.number().nullable(),
});

export const healthSchema = z
  .object({
    WebhookId: z.string(),
    Endpoint: z.string(),
    Enabled: z.boolean(),
    Deleted: z.boolean(),
    Breaker: z.enum(['closed', 'open', 'half-open', 'idle']),
    InFlight: z.number().int(),
    Waiting: z.number().int(),
    OldestWaitingAgeSeconds: z.number().nullable(),
    Last5Minutes: windowSchema,
    LastHour: windowSchema,
    Sampled: z.boolean().openapi({
      description: 'true when the windows are over the 2,000 most recently attempted deliveries only',
    }),
    LastSuccessAt: nullableTime,
    LastFailure: z
      .object({ At: time, StatusCode: z.number().int().nullable(), ErrorClass: z.string().nullable() })
      .nullable(),
  })
  .openapi('WebhookHealth');

export const jobSchema = z
  .object({
    JobId: z.string(),
    OrganizationId: z.string(),
    WebhookId: z.string(),
    State: z.enum(['running', 'done', 'cancelled', 'failed']),
    Done: z.number().int(),
    Total: z.number().int(),
    States: z.array(z.string()),
    Since: time,
    Until: time,
    Error: z.string().nullable(),
    CreatedBy: z.string(),
    CreatedAt: time,
    UpdatedAt: time,
  })
  .openapi('RecoveryJob');

export const testAttemptSchema = attemptSchema
  .omit({ AttemptNo: true })
  .extend({ EventId: z.string(), EventType: z.string(), Endpoint: z.string(), Ok: z.boolean() })
  .openapi('TestAttempt');

export const testRecordSchema = attemptSchema
  .omit({ AttemptNo: true })
  .extend({ EventId: z.string(), EventType: z.string(), Ok: z.boolean(), SentBy: z.string() })
  .openapi('TestRecord');

export const explainSchema = z
  .object({
    OrganizationId: z.string(),
    EventType: z.string(),
    EntityId: z.string(),
    Duplicate: z.boolean().openapi({
      description:
        'an event of this Id was already accepted: POST /v1/events would acknowledge it and send nothing',
    }),
    WouldReceive: z.array(z.object({ WebhookId: z.string(), Endpoint: z.string(), Held: z.boolean() })),
    Subscriptions: z.array(subscriptionVerdictSchema),
  })
  .openapi('Explanation');

export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ Items: z.array(item), NextCursor: z.string().nullable() }).openapi(name);

export type EventSummaryJson = z.infer<typeof eventSummarySchema>;
export type EventDetailJson = z.infer<typeof eventDetailSchema>;
export type DeliverySummaryJson = z.infer<typeof deliverySummarySchema>;
export type DeliveryDetailJson = z.infer<typeof deliveryDetailSchema>;
export type HealthJson = z.infer<typeof healthSchema>;
export type JobJson = z.infer<typeof jobSchema>;
export type TestAttemptJson = z.infer<typeof testAttemptSchema>;
export type ExplainJson = z.infer<typeof explainSchema>;
export type TestRecordJson = z.infer<typeof testRecordSchema>;
export interface PageJson<T> {
  Items: T[];
  NextCursor: string | null;
}

/** Query parameters shared by the lists. */
const listQuery = {
  From: z.iso.datetime({ offset: true }).optional().openapi({ description: 'at or after (ISO 8601)' }),
  To: z.iso.datetime({ offset: true }).optional().openapi({ description: 'before (ISO 8601)' }),
  Cursor: z.string().max(200).optional().openapi({ description: 'NextCursor of the previous page' }),
  Limit: z.coerce.number().int().min(1).max(500).optional().openapi({ description: '1-500, 50 by default' }),
};
/** The store's DELIVERY_STATES, spelled out here: HTTP does not import the store. */
export const DELIVERY_STATE_NAMES = [
  'pending',
  'in_flight',
  'retrying',
  'paused',
  'delivered',
  'discarded',
  'expired',
  'cancelled',
] as const;
export const FINISHED_STATE_NAMES = ['delivered', 'discarded', 'expired', 'cancelled'] as const;

/**
 * A list's query: its own parameters and the shared ones (From, To, Cursor, Limit), unknown ones refused by
 * name, and a From that is not before To refused (the page would only ever be empty).
 */
export function listQueryOf<Shape extends z.ZodRawShape>(shape: Shape) {
  return strictQuery({ ...shape, ...listQuery }).superRefine((q, ctx) => {
    const { From, To } = q as { From?: string; To?: string };
    if (From !== undefined && To !== undefined && Date.parse(From) >= Date.parse(To))
      ctx.addIssue({ code: 'custom', path: ['To'], message: 'must be after From' });
  });
}

/** An EventType of the catalogue; another is named with the closest known one, as explain does. */
export const eventTypeName = z
  .string()
  .min(1)
  .max(100)
  .superRefine((name, ctx) => {
    const problem = eventTypeProblem(name);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

/** One or more values, comma-separated or the parameter repeated (?State=a&State=b), as a list. */
export const oneOrMore = <T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description })
    .transform((v) => (v === undefined ? undefined : [v].flat().flatMap((s) => s.split(','))))
    .pipe(z.array(z.enum(values)).optional());
