import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specExamplesSource } from '../../scripts/generate-spec-examples.js';
import { EVENT_TYPES, parseEvent } from '../catalogue/index.js';
import { sampleEvent } from './sample-event.js';
import { SPEC_EXAMPLES } from './spec-examples.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';

describe('sampleEvent', () => {
  it('builds a valid event of every type from the spec example, with fresh ids', () => {
    for (const type of EVENT_TYPES) {
      const a = sampleEvent(type, ORG);
      const b = sampleEvent(type, ORG);
      expect(() => parseEvent(a), type).not.toThrow();
      expect(a).toMatchObject({ EventType: type, RootEntityId: ORG });
      expect(a?.Id).not.toBe(b?.Id);
      expect(a?.EntityId).not.toBe(b?.EntityId);
    }
  });

  it('is built from the committed examples, which are the spec fixtures', () => {
    const generated = specExamplesSource();
    // The one type the spec shows no example of is built from its field table (checked valid above).
    expect(EVENT_TYPES.filter((type) => !(type in SPEC_EXAMPLES))).toEqual([
      'CallbackUserCallOutDisconnected',
    ]);
    for (const type of EVENT_TYPES.filter((t) => t in SPEC_EXAMPLES)) {
      const fixture = JSON.parse(readFileSync(`test/fixtures/events/${type}.json`, 'utf8'));
      expect(SPEC_EXAMPLES[type], type).toEqual(fixture);
      expect(generated).toContain(`"EventType": "${type}"`);
    }
  });
});
