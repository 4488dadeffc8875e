import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CATALOGUE, type EventOf, type EventType } from '../../src/catalogue/index.js';

const FIXTURES = new URL('../fixtures/events/', import.meta.url);

/**
 * A valid event of any type, taken from the spec's own example payload (the committed fixture) with a
 * fresh Id, the given organization and entity, and a current Timestamp (so TTLs do not expire it).
 */
export function specEvent<T extends EventType>(
  type: T,
  organizationId: string,
  entityId: string = randomUUID(),
  extra: Record<string, unknown> = {},
): EventOf<T> {
  const example = JSON.parse(readFileSync(new URL(`${type}.json`, FIXTURES), 'utf8')) as Record<
    string,
    unknown
  >;
  const mainKey = CATALOGUE[type].mainEntityKey;
  return {
    ...example,
    ...(mainKey === null ? {} : { [mainKey]: entityId }),
    ...('OrganizationId' in example ? { OrganizationId: organizationId } : {}),
    Id: randomUUID(),
    Timestamp: new Date().toISOString(),
    RootEntityId: organizationId,
    EntityId: entityId,
    ...extra,
  } as EventOf<T>;
}
