import * as z from 'zod';
import { t } from './fields.js';

export const ROOT_ENTITY_TYPES = ['Undefined', 'Organization'] as const;
export type RootEntityType = (typeof ROOT_ENTITY_TYPES)[number];

export const ENTITY_TYPES = ['Undefined', 'User', 'Queue', 'CallList'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The entity types an event type can belong to: its section in the spec. */
export type EventEntityType = Exclude<EntityType, 'Undefined'>;

/** The property naming the main entity of each section's events; its value is the envelope's EntityId. */
export const MAIN_ENTITY_KEYS = { User: 'UserId', Queue: 'QueueId', CallList: 'CallListId' } as const;
export type MainEntityKeyFor<E extends EventEntityType> = (typeof MAIN_ENTITY_KEYS)[E];

/** Envelope property names, in the order .NET writes them. */
export const ENVELOPE_KEYS = [
  'RootEntityType',
  'RootEntityId',
  'EventType',
  'EntityType',
  'EntityId',
  'Id',
  'Timestamp',
  'MessageTTLSeconds',
] as const;
export type EnvelopeKey = (typeof ENVELOPE_KEYS)[number];

// The spec's own "Example full request" has no MessageTTLSeconds: absent means no expiry, like -1.
const messageTtl = z
  .int32()
  .min(-1, 'MessageTTLSeconds must be -1 (no expiry) or a number of seconds')
  .optional();

/** The common properties of one event type: EventType and EntityType are fixed by the catalogue. */
export function envelopeShape<N extends string, E extends EventEntityType>(eventType: N, entityType: E) {
  return {
    RootEntityType: z.enum(ROOT_ENTITY_TYPES),
    RootEntityId: t.Guid.strict,
    EventType: z.literal(eventType),
    EntityType: z.literal(entityType, {
      error: (issue) =>
        issue.input === undefined ? undefined : `EntityType must be "${entityType}" for ${eventType} events`,
    }),
    EntityId: t.Guid.strict,
    Id: t.Guid.strict,
    Timestamp: t.DateTime.strict,
    MessageTTLSeconds: messageTtl,
  };
}

/** The common properties checked when the EventType is not known: any string passes here. */
export const genericEnvelope = z.looseObject({
  RootEntityType: z.enum(ROOT_ENTITY_TYPES),
  RootEntityId: t.Guid.strict,
  EventType: z.string(),
  EntityType: z.enum(ENTITY_TYPES),
  EntityId: t.Guid.strict,
  Id: t.Guid.strict,
  Timestamp: t.DateTime.strict,
  MessageTTLSeconds: messageTtl,
});
