import { describe, expect, it } from 'vitest';
import * as helpers from '../../src/catalogue/events/helpers.js';
import {
  CATALOGUE,
  EVENT_TYPES,
  type EventType,
  type FieldMap,
  safeParseEvent,
} from '../../src/catalogue/index.js';
import {
  canonicalType,
  example,
  HELPER_NAMES,
  helperExample,
  isNullableType,
  type Json,
  SPEC_EVENT_TYPES,
  SPEC_TABLES,
  sampleValue,
  wrongValue,
} from './spec-fixtures.js';

const SECTION_KEYS = { User: 'UserId', Queue: 'QueueId', CallList: 'CallListId' } as const;
const ENVELOPE = ['RootEntityType', 'RootEntityId', 'EventType', 'EntityType', 'EntityId', 'Id', 'Timestamp'];

/** A payload to mutate: the spec's example, or for the type without one, sample values from its table. */
function basePayload(eventType: string): Json {
  const found = example(eventType);
  if (found) return found;
  const table = SPEC_TABLES[eventType] ?? {};
  const properties = Object.fromEntries(Object.entries(table).map(([p, type]) => [p, sampleValue(type)]));
  const mainKey = CATALOGUE[eventType as EventType].mainEntityKey;
  const entityId = mainKey === null ? undefined : properties[mainKey];
  return {
    RootEntityType: 'Organization',
    // The envelope names the organization and the entity the body does.
    RootEntityId: properties.OrganizationId ?? '00000000-0000-0000-0000-000000000000',
    EventType: eventType,
    EntityType: CATALOGUE[eventType as EventType].entityType,
    EntityId: typeof entityId === 'string' ? entityId : '00000000-0000-0000-0000-000000000000',
    ...properties,
    Id: '00000000-0000-0000-0000-000000000000',
    Timestamp: '2020-01-01T12:00:00Z',
    MessageTTLSeconds: -1,
  };
}

type Check = (payload: Json) => { ok: boolean; paths: string[] };

/**
 * Compares a catalogue type with its spec table, property by property: the declared .NET type,
 * nullability and optionality, and the runtime behaviour (null, omission and a wrong kind of value).
 */
function expectMatchesTable(
  fields: FieldMap,
  table: Record<string, string>,
  base: Json,
  hasExample: boolean,
  check: Check,
) {
  expect(Object.keys(fields).sort()).toEqual(Object.keys(table).sort());
  expect(check(base)).toEqual({ ok: true, paths: [] });
  for (const [property, specType] of Object.entries(table)) {
    const field = fields[property];
    const nullable = isNullableType(specType);
    const optional = nullable || (hasExample && !(property in base));
    expect({
      property,
      typeName: field?.typeName,
      nullable: field?.nullable,
      optional: field?.optional,
    }).toEqual({
      property,
      typeName: canonicalType(specType),
      nullable,
      optional,
    });
    const refusedAt = { ok: false, paths: [`$.${property}`] };
    expect(check({ ...base, [property]: null }), `${property} = null`).toEqual(
      nullable ? { ok: true, paths: [] } : refusedAt,
    );
    const { [property]: _omitted, ...without } = base;
    expect(check(without), `${property} omitted`).toEqual(optional ? { ok: true, paths: [] } : refusedAt);
    expect(check({ ...base, [property]: wrongValue(specType) }), `${property} wrong kind`).toEqual(refusedAt);
  }
}

describe('the catalogue against test/fixtures/spec-tables.json', () => {
  it('has exactly the 80 event types of the spec, in its order', () => {
    expect(EVENT_TYPES).toHaveLength(80);
    expect([...EVENT_TYPES]).toEqual(SPEC_EVENT_TYPES);
    expect(Object.keys(CATALOGUE).sort()).toEqual([...SPEC_EVENT_TYPES].sort());
  });

  it.each(SPEC_EVENT_TYPES)('%s: entity type, main entity key and default TTL', (eventType) => {
    const entry = CATALOGUE[eventType as EventType];
    const found = example(eventType);
    const expectedEntity = found ? found.EntityType : 'CallList'; // CallbackUserCallOutDisconnected, CallList section
    const mainKey = SECTION_KEYS[entry.entityType];
    expect(entry.eventType).toBe(eventType);
    expect(entry.entityType).toBe(expectedEntity);
    expect(entry.mainEntityKey).toBe(mainKey in (SPEC_TABLES[eventType] ?? {}) ? mainKey : null);
    expect(entry.defaultTtlSeconds).toBe(found ? found.MessageTTLSeconds : -1);
  });

  it.each(SPEC_EVENT_TYPES)(
    '%s: every property has the table type, nullability and optionality',
    (eventType) => {
      const check: Check = (payload) => {
        const result = safeParseEvent(payload);
        return result.ok ? { ok: true, paths: [] } : { ok: false, paths: result.problems.map((p) => p.path) };
      };
      const table = SPEC_TABLES[eventType] ?? {};
      const fields = CATALOGUE[eventType as EventType].fields;
      expectMatchesTable(fields, table, basePayload(eventType), example(eventType) !== null, check);
    },
  );

  it('every envelope property but MessageTTLSeconds is required for every type', () => {
    for (const eventType of EVENT_TYPES) {
      const { MessageTTLSeconds: _ttl, ...withoutTtl } = basePayload(eventType);
      expect(safeParseEvent(withoutTtl).ok, `${eventType} without MessageTTLSeconds`).toBe(true);
      for (const key of ENVELOPE) {
        const { [key]: _omitted, ...without } = basePayload(eventType);
        const result = safeParseEvent(without);
        expect(result.ok ? [] : result.problems.map((p) => p.path), `${eventType} without ${key}`).toEqual([
          `$.${key}`,
        ]);
      }
    }
  });

  it.each(HELPER_NAMES)('helper %s: properties match its table', (name) => {
    const helper = (
      helpers as Record<string, { fields: FieldMap | null; loose: { safeParse(v: unknown): unknown } }>
    )[name];
    expect(helper?.fields).not.toBeNull();
    const check: Check = (payload) => {
      const result = helper?.loose.safeParse(payload) as {
        success: boolean;
        error?: { issues: { path: unknown[] }[] };
      };
      return { ok: result.success, paths: (result.error?.issues ?? []).map((i) => `$.${i.path.join('.')}`) };
    };
    expectMatchesTable(helper?.fields ?? {}, SPEC_TABLES[name] ?? {}, helperExample(name), true, check);
  });
});
