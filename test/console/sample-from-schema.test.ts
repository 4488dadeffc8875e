import { describe, expect, it } from 'vitest';
import { EVENT_TYPE_INFO, eventJsonSchema, safeParseEvent } from '../../src/catalogue/index.js';
import { type JsonSchema, sampleFromSchema } from '../../src/console/sample-from-schema.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';

describe("the simulator's sample built from a type's catalogue schema", () => {
  it('is a valid event of every type in the catalogue', () => {
    const invalid = EVENT_TYPE_INFO.flatMap((info) => {
      const event = sampleFromSchema(
        eventJsonSchema(info.EventType) as JsonSchema,
        ORG,
        info.MainEntityProperty,
      );
      const parsed = safeParseEvent(event);
      return parsed.ok ? [] : [{ type: info.EventType, problems: parsed.problems }];
    });
    expect(invalid).toEqual([]);
    expect(EVENT_TYPE_INFO.length).toBe(80);
  });

  it('is for the organization, with one entity in the envelope and the body', () => {
    const info = EVENT_TYPE_INFO.find((i) => i.EventType === 'UserStatus');
    const event = sampleFromSchema(
      eventJsonSchema('UserStatus') as JsonSchema,
      ORG,
      info?.MainEntityProperty ?? null,
    );
    expect(event.RootEntityId).toBe(ORG);
    expect(event.EventType).toBe('UserStatus');
    expect(event[info?.MainEntityProperty as string]).toBe(event.EntityId);
  });
});
