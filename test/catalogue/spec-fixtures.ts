import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What scripts/extract-fixtures.ts wrote from the spec: example payloads and property tables. */
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const EVENTS = `${FIXTURES}events/`;
const HELPERS = `${EVENTS}helpers/`;

export type Json = Record<string, unknown>;

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export const SPEC_TABLES = readJson<Record<string, Record<string, string>>>(`${FIXTURES}spec-tables.json`);

/** The spec's "Example full request": its headers and its body (a QueueCallInUserAllocated without TTL). */
export const FULL_REQUEST = readJson<{ headers: Record<string, string>; body: Json }>(
  `${FIXTURES}full-request.json`,
);

export const HELPER_NAMES = readdirSync(HELPERS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

/** The event types of the spec, in its order (spec-tables.json also holds the helper types). */
export const SPEC_EVENT_TYPES = Object.keys(SPEC_TABLES).filter((name) => !HELPER_NAMES.includes(name));

export const EXAMPLE_EVENT_TYPES = readdirSync(EVENTS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));

/** A fresh copy of the spec's example payload of an event type, or null when the spec has none. */
export function example(eventType: string): Json | null {
  const path = `${EVENTS}${eventType}.json`;
  return existsSync(path) ? readJson<Json>(path) : null;
}

export function helperExample(name: string): Json {
  return readJson<Json>(`${HELPERS}${name}.json`);
}

/** A fixture, failing the test if the spec had no example for the type. */
export function fixture(eventType: string): Json {
  const value = example(eventType);
  if (value === null) throw new Error(`no fixture for ${eventType}`);
  return value;
}

/** The spec's types spelled one way (it writes both String and string, Boolean and bool). */
export function canonicalType(specType: string): string {
  return specType.replace(/^String$/, 'string').replace(/^Boolean$/, 'bool');
}

/** .NET rule: `T?` value types and reference types (string, List, Dictionary) may be null. */
export function isNullableType(specType: string): boolean {
  return /\?$|^(string|String)$|^List<|^Dictionary</.test(specType);
}

/** A valid sample value of a spec type, written independently of the catalogue's schemas. */
export function sampleValue(specType: string): unknown {
  if (specType.endsWith('?')) return null;
  const type = canonicalType(specType);
  if (type === 'Guid') return '11111111-2222-3333-4444-555555555555';
  if (type === 'DateTime') return '2020-01-01T12:00:00Z';
  if (['int', 'short', 'long'].includes(type)) return 7;
  if (type === 'float') return 1.5;
  if (type === 'bool') return true;
  if (type === 'string') return 'text';
  if (type.startsWith('List<')) return [];
  if (type.startsWith('Dictionary<')) return {};
  return 0; // the enums: CallEventPublicityCategory, CallPublicityCategory, UserSettingLevelEnum, SupervisionState
}

/** A value of the wrong JSON kind for a spec type. */
export function wrongValue(specType: string): unknown {
  const type = canonicalType(specType.replace(/\?$/, ''));
  if (['Guid', 'DateTime', 'string'].includes(type)) return 12345;
  if (['int', 'short', 'long', 'float', 'bool'].includes(type)) return 'text';
  if (type.startsWith('List<') || type.startsWith('Dictionary<')) return 'text';
  return true; // an enum is an integer or a name, never a boolean
}
