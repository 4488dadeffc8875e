import { randomUUID } from 'node:crypto';
import { CATALOGUE, type EventType } from '../catalogue/index.js';
import { SPEC_EXAMPLES } from './spec-examples.js';

/** A value of each required .NET value type, for a type the spec gives no example of. */
const PLACEHOLDERS: Record<string, () => unknown> = {
  Guid: () => randomUUID(),
  DateTime: () => new Date().toISOString(),
  bool: () => false,
};

/** The envelope and the required properties of a type, from its field table (numbers and enums 0). */
function fromFields(eventType: EventType): Record<string, unknown> {
  const entry = CATALOGUE[eventType];
  const properties = Object.entries(entry.fields)
    .filter(([, f]) => !f.optional)
    .map(([key, f]) => [key, PLACEHOLDERS[f.typeName]?.() ?? 0]);
  return {
    RootEntityType: 'Organization',
    EventType: eventType,
    EntityType: entry.entityType,
    MessageTTLSeconds: entry.defaultTtlSeconds,
    ...Object.fromEntries(properties),
  };
}

/**
 * A sample event of one type for a test send: the spec's own example payload (or, for the type it has
 * none of, the required properties of its table), for this organization, with a fresh Id and entity and
 * the current Timestamp, so a receiver's de-duplication and TTL checks pass.
 */
export function sampleEvent(eventType: EventType, organizationId: string): Record<string, unknown> {
  const example = SPEC_EXAMPLES[eventType] ?? fromFields(eventType);
  const entityId = randomUUID();
  const mainKey = CATALOGUE[eventType].mainEntityKey;
  return {
    ...example,
    ...(mainKey === null ? {} : { [mainKey]: entityId }),
    ...('OrganizationId' in example ? { OrganizationId: organizationId } : {}),
    RootEntityId: organizationId,
    EntityId: entityId,
    Id: randomUUID(),
    Timestamp: new Date().toISOString(),
  };
}
