import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC_PATH, parseFullRequest, parseSpec } from '../../scripts/extract-fixtures.js';
import {
  EXAMPLE_EVENT_TYPES,
  example,
  FULL_REQUEST,
  HELPER_NAMES,
  helperExample,
  SPEC_TABLES,
} from './spec-fixtures.js';

// The spec lives outside the repository (CI has it at ../shared). A clone without it still checks the
// committed fixtures (parse-event, spec-tables); only the comparison with the spec itself is skipped.
const SPEC_PRESENT = existsSync(DEFAULT_SPEC_PATH);
if (!SPEC_PRESENT) {
  console.warn(
    `extract-fixtures: ${DEFAULT_SPEC_PATH} not found, so the fixtures are not compared with the spec (skipped)`,
  );
}

describe.skipIf(!SPEC_PRESENT)(`scripts/extract-fixtures.ts on ${DEFAULT_SPEC_PATH}`, () => {
  const text = SPEC_PRESENT ? readFileSync(DEFAULT_SPEC_PATH, 'utf8') : '';
  const entries = SPEC_PRESENT ? parseSpec(text) : [];
  const events = entries.filter((e) => e.kind === 'Event');

  it('finds the 80 event types in their sections and the 5 helper types', () => {
    expect(events).toHaveLength(80);
    expect(events.filter((e) => e.section === 'User')).toHaveLength(38);
    expect(events.filter((e) => e.section === 'Queue')).toHaveLength(31);
    expect(events.filter((e) => e.section === 'CallList')).toHaveLength(11);
    expect(entries.filter((e) => e.kind === 'Misc').map((e) => e.name)).toEqual([
      'QueueAttachedUser',
      'QueueGroup',
      'CallbackAttempt',
      'CallbackExtra',
      'CallbackRelatedItem',
    ]);
    expect(events.filter((e) => e.example === null).map((e) => e.name)).toEqual([
      'CallbackUserCallOutDisconnected',
    ]);
  });

  it('committed fixtures are what the spec holds now', () => {
    expect(Object.fromEntries(entries.map((e) => [e.name, e.table]))).toEqual(SPEC_TABLES);
    const examples = events.filter((e) => e.example !== null);
    expect(examples.map((e) => e.name).sort()).toEqual([...EXAMPLE_EVENT_TYPES].sort());
    for (const e of examples) expect(e.example, e.name).toEqual(example(e.name));
    for (const name of HELPER_NAMES)
      expect(entries.find((e) => e.name === name)?.example).toEqual(helperExample(name));
    expect(parseFullRequest(text)).toEqual(FULL_REQUEST);
  });

  it('keeps the prose of a type and of its properties', () => {
    const userStatus = events.find((e) => e.name === 'UserStatus');
    expect(userStatus?.description).toMatch(/^UserStatus changed\./);
    expect(userStatus?.propertyDescriptions.ParkedCalls).toBe('Number of parked calls');
  });
});

describe('scripts/extract-fixtures.ts parser', () => {
  const spec = (body: string) => `Common event properties\nUser\nEvent: UserThing\n${body}`;

  it('reads a minimal spec', () => {
    const [entry] = parseSpec(
      spec(
        'Example payload of Event: UserThing\n{\n"A": "{not a brace}"\n}\nA thing.\nProperty name | Value type | Description |\n---|---|---|\nA | string | The A |\n',
      ),
    );
    expect(entry).toMatchObject({
      name: 'UserThing',
      section: 'User',
      description: 'A thing.',
      example: { A: '{not a brace}' },
      table: { A: 'string' },
    });
  });

  it('fails loudly on a table it cannot read', () => {
    const table = 'Property name | Value type | Description |\n---|---|---|\nA | string | x |\n';
    expect(() => parseSpec(spec(`${table}A | int | again |\n`))).toThrow(/UserThing\.A listed twice/);
    expect(() => parseSpec(spec(`${table}a stray line\n`))).toThrow(
      /unexpected line after the UserThing table/,
    );
    expect(() => parseSpec('no heading')).toThrow(/Common event properties/);
  });
});
