import { randomUUID } from 'node:crypto';
import {
  CATALOGUE,
  type CatalogueEntry,
  ENVELOPE_KEYS,
  type EventOf,
  type EventPropertiesOf,
  type EventType,
  EventValidationError,
  type MainEntityKeyOf,
  parseEvent,
  type RootEntityType,
} from '../catalogue/index.js';
import type { Problem } from '../problems.js';

/** Envelope values a producer may set instead of the builder's defaults. */
export interface EnvelopeOverrides {
  Id?: string;
  Timestamp?: string;
  EntityId?: string;
  MessageTTLSeconds?: number;
  RootEntityType?: RootEntityType;
}

/**
 * The overrides argument of buildEvent: optional, except for a type without a main entity property
 * (UserSupervisionStatus), whose EntityId cannot be derived and must be given.
 */
export type BuildEventOverrides<T extends EventType> =
  MainEntityKeyOf<T> extends null
    ? [overrides: EnvelopeOverrides & { EntityId: string }]
    : [overrides?: EnvelopeOverrides];

/**
 * A complete, validated event of `type` for the organization: Id is a fresh Guid, Timestamp is now
 * (UTC), EntityId is the main entity property's value and MessageTTLSeconds the type's default.
 * Throws EventValidationError when the result would not pass parseEvent.
 */
export function buildEvent<T extends EventType>(
  type: T,
  organizationId: string,
  properties: EventPropertiesOf<T>,
  ...[overrides]: BuildEventOverrides<T>
): EventOf<T> {
  const entry = CATALOGUE[type] as CatalogueEntry | undefined;
  const given: Record<string, unknown> = properties;
  const problems = misplacedEnvelopeKeys(given);
  const mainKey = entry?.mainEntityKey ?? null;
  const entityId = overrides?.EntityId ?? (mainKey === null ? undefined : given[mainKey]);
  if (entry && mainKey === null && overrides?.EntityId === undefined) {
    problems.push({
      path: '$.EntityId',
      message: `${type} has no main entity property: pass EntityId in overrides`,
    });
  }
  if (problems.length > 0) throw new EventValidationError(problems);
  return parseEvent({
    RootEntityType: overrides?.RootEntityType ?? 'Organization',
    RootEntityId: organizationId,
    EventType: type,
    EntityType: entry?.entityType,
    EntityId: entityId,
    ...given,
    Id: overrides?.Id ?? randomUUID(),
    Timestamp: overrides?.Timestamp ?? new Date().toISOString(),
    MessageTTLSeconds: overrides?.MessageTTLSeconds ?? entry?.defaultTtlSeconds,
  }) as EventOf<T>;
}

/** Envelope keys among the properties would silently replace the builder's own values: refuse them. */
function misplacedEnvelopeKeys(properties: Record<string, unknown>): Problem[] {
  return ENVELOPE_KEYS.filter((key) => Object.hasOwn(properties, key)).map((key) => ({
    path: `$.${key}`,
    message: `${key} is an envelope property: set it with buildEvent's overrides, not in the properties`,
  }));
}
