import * as z from 'zod';
import { type EventEntityType, envelopeShape, MAIN_ENTITY_KEYS, type MainEntityKeyFor } from './envelope.js';
import { type FieldMap, looseShape, strictShape } from './fields.js';

/** The main entity property of an event type, or null when the type lacks it (EntityId must then be given). */
export type MainEntityKeyOf<E extends EventEntityType, P extends FieldMap> =
  MainEntityKeyFor<E> extends keyof P ? MainEntityKeyFor<E> : null;

/** The typed view of a strict zod object schema: unknown keys are a compile error, no index signature. */
function typedSchemas<N extends string, E extends EventEntityType, P extends FieldMap>(
  name: N,
  entity: E,
  fields: P,
) {
  const properties = z.strictObject(strictShape(fields));
  const event = z.strictObject({ ...envelopeShape(name, entity), ...strictShape(fields) });
  return { properties, event };
}

export type EventDefinition<N extends string, E extends EventEntityType, P extends FieldMap> = ReturnType<
  typeof typedSchemas<N, E, P>
> & {
  readonly eventType: N;
  readonly entityType: E;
  readonly mainEntityKey: MainEntityKeyOf<E, P>;
  readonly defaultTtlSeconds: number;
  readonly fields: P;
  /** What incoming JSON is validated with: unknown keys, nested ones included, pass through untouched. */
  readonly schema: z.ZodType;
};

/**
 * One event type of the catalogue. `defaultTtlSeconds` is the MessageTTLSeconds of the spec's example
 * (-1, no expiry, when the spec has no example).
 */
export function defineEvent<
  const N extends string,
  const E extends EventEntityType,
  const P extends FieldMap,
>(eventType: N, entityType: E, defaultTtlSeconds: number, fields: P): EventDefinition<N, E, P> {
  const mainKey = MAIN_ENTITY_KEYS[entityType];
  const loose = z.looseObject({ ...envelopeShape(eventType, entityType), ...looseShape(fields) });
  return {
    ...typedSchemas(eventType, entityType, fields),
    eventType,
    entityType,
    mainEntityKey: (mainKey in fields ? mainKey : null) as MainEntityKeyOf<E, P>,
    defaultTtlSeconds,
    fields,
    schema: loose,
  };
}
