import type * as z from 'zod';
import type { EventEntityType } from './envelope.js';
import { EVENT_DEFINITIONS, EVENT_TYPES } from './events/index.js';
import type { FieldMap } from './fields.js';

export { EVENT_TYPES };
export type EventType = (typeof EVENT_TYPES)[number];

type Definitions = typeof EVENT_DEFINITIONS;

/** A full event of one type: envelope and the type's own properties, unknown properties refused. */
export type EventOf<T extends EventType> = z.infer<Definitions[T]['event']>;

/** The properties of one event type without the envelope: what a producer fills in. */
export type EventPropertiesOf<T extends EventType> = z.infer<Definitions[T]['properties']>;

/** Any event of the catalogue, discriminated on EventType. */
export type GatewayEvent = { [T in EventType]: EventOf<T> }[EventType];

export type MainEntityKeyOf<T extends EventType> = Definitions[T]['mainEntityKey'];
export type EntityTypeOf<T extends EventType> = Definitions[T]['entityType'];

export interface CatalogueEntry<T extends EventType = EventType> {
  readonly eventType: T;
  readonly entityType: EventEntityType;
  /** The property whose value is the envelope's EntityId, or null when the type has none. */
  readonly mainEntityKey: string | null;
  readonly defaultTtlSeconds: number;
  /** Validates incoming JSON of this type; unknown properties pass through. */
  readonly schema: z.ZodType;
  /** The type's own properties as the spec describes them (.NET type, nullability, optionality). */
  readonly fields: FieldMap;
}

export const CATALOGUE: { readonly [T in EventType]: CatalogueEntry<T> } = EVENT_DEFINITIONS;

export interface EventTypeInfo {
  readonly EventType: EventType;
  readonly EntityType: EventEntityType;
  readonly DefaultMessageTTLSeconds: number;
  readonly MainEntityProperty: string | null;
}

/** The catalogue as the HTTP API serves it, in the spec's order. */
export const EVENT_TYPE_INFO: ReadonlyArray<EventTypeInfo> = Object.freeze(
  EVENT_TYPES.map((type) => {
    const entry = CATALOGUE[type];
    return Object.freeze({
      EventType: type,
      EntityType: entry.entityType,
      DefaultMessageTTLSeconds: entry.defaultTtlSeconds,
      MainEntityProperty: entry.mainEntityKey,
    });
  }),
);
