import * as z from 'zod';
import { CATALOGUE, type EventType } from './catalogue.js';

const cache = new Map<EventType, object>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The JSON Schema (draft 2020-12) of one event type as the gateway validates it: unknown properties
 * allowed, nullable properties optional. Built on first use, then shared (frozen) for every caller.
 */
export function eventJsonSchema(type: EventType): object {
  let schema = cache.get(type);
  if (schema === undefined) {
    const generated = z.toJSONSchema(CATALOGUE[type].schema, { target: 'draft-2020-12' });
    schema = deepFreeze({ ...generated, title: type });
    cache.set(type, schema);
  }
  return schema;
}
