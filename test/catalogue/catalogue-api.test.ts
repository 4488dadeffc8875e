import { describe, expect, it } from 'vitest';
import {
  CATALOGUE,
  ENTITY_TYPES,
  EVENT_TYPE_INFO,
  EVENT_TYPES,
  eventJsonSchema,
  suggestEventTypes,
} from '../../src/catalogue/index.js';

describe('catalogue metadata', () => {
  it('exposes the entity types of the spec', () => {
    expect(ENTITY_TYPES).toEqual(['Undefined', 'User', 'Queue', 'CallList']);
  });

  it('knows default TTLs and main entity properties', () => {
    expect(CATALOGUE.UserStatus).toMatchObject({
      entityType: 'User',
      defaultTtlSeconds: 60,
      mainEntityKey: 'UserId',
    });
    expect(CATALOGUE.QueueStatus).toMatchObject({
      entityType: 'Queue',
      defaultTtlSeconds: 60,
      mainEntityKey: 'QueueId',
    });
    expect(CATALOGUE.CallbackListStatus).toMatchObject({
      defaultTtlSeconds: 600,
      mainEntityKey: 'CallListId',
    });
    expect(CATALOGUE.QueueAttachedUsers.defaultTtlSeconds).toBe(120);
    expect(CATALOGUE.CallbackUserCallOutDisconnected.defaultTtlSeconds).toBe(-1);
    expect(CATALOGUE.UserSupervisionStatus.mainEntityKey).toBeNull();
  });

  it('serves one EVENT_TYPE_INFO row per type, in the spec order', () => {
    expect(EVENT_TYPE_INFO.map((i) => i.EventType)).toEqual([...EVENT_TYPES]);
    expect(EVENT_TYPE_INFO.find((i) => i.EventType === 'CallbackChanged')).toEqual({
      EventType: 'CallbackChanged',
      EntityType: 'CallList',
      DefaultMessageTTLSeconds: 120,
      MainEntityProperty: 'CallListId',
    });
    expect(Object.isFrozen(EVENT_TYPE_INFO)).toBe(true);
  });
});

describe('eventJsonSchema', () => {
  it('describes the type in JSON Schema draft 2020-12, unknown properties allowed', () => {
    const schema = eventJsonSchema('UserStatus') as Record<string, unknown>;
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'UserStatus',
      type: 'object',
      properties: {
        EventType: { const: 'UserStatus' },
        EntityType: { const: 'User' },
        Talking: { type: 'boolean' },
      },
    });
    expect(schema.additionalProperties).toEqual({});
    expect(schema.required).toEqual(expect.arrayContaining(['Id', 'Timestamp', 'UserId', 'Talking']));
    expect(schema.required).not.toContain('ActiveQueueId');
    // Absent means no expiry, as in the spec's example full request.
    expect(schema.required).not.toContain('MessageTTLSeconds');
  });

  it('is built once and shared, frozen', () => {
    expect(eventJsonSchema('QueueChanged')).toBe(eventJsonSchema('QueueChanged'));
    expect(Object.isFrozen(eventJsonSchema('QueueChanged'))).toBe(true);
  });

  it('exists for every type', () => {
    for (const type of EVENT_TYPES) expect(eventJsonSchema(type)).toHaveProperty('title', type);
  });
});

describe('suggestEventTypes (for the config validator)', () => {
  it('ranks the spec sample typo first and stays quiet when nothing is close', () => {
    expect(suggestEventTypes('QueueCallInConnected')[0]).toBe('QueueCallInUserConnected');
    expect(suggestEventTypes('Banana')).toEqual([]);
  });
});
