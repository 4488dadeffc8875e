import { randomUUID } from 'node:crypto';

/** The parts of a JSON Schema (as the catalogue's GET /v1/event-types/{EventType} gives it) a sample needs. */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

/** A value of one schema: the first that fits, never a guess at what a real event would hold. */
function sampleValue(schema: JsonSchema, now: string): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined) return schema.enum.find((v) => v !== 'Undefined') ?? schema.enum[0];
  if (schema.anyOf !== undefined) {
    if (schema.anyOf.some((s) => s.type === 'null')) return null;
    return sampleValue(schema.anyOf[0] ?? {}, now);
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('null')) return null;
  if (types.includes('object')) return objectOf(schema, now);
  if (types.includes('array')) return [];
  if (types.includes('boolean')) return false;
  if (types.includes('integer') || types.includes('number')) return Math.max(schema.minimum ?? 0, 0);
  if (schema.format === 'uuid') return randomUUID();
  // The catalogue's date-times are strings with the ISO 8601 pattern.
  if (schema.pattern?.includes('T(?:')) return now;
  return '';
}

function objectOf(schema: JsonSchema, now: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of schema.required ?? []) out[key] = sampleValue(schema.properties?.[key] ?? {}, now);
  return out;
}

/**
 * Pure apart from fresh Guids: an event of a type built from its catalogue schema, the required
 * properties only, for this organization, with one entity in both EntityId and the type's main entity
 * property (the envelope and body must agree), and the current Timestamp.
 */
export function sampleFromSchema(
  schema: JsonSchema,
  organizationId: string,
  mainEntityProperty: string | null,
  now: string = new Date().toISOString(),
): Record<string, unknown> {
  const event = objectOf(schema, now);
  const entity = randomUUID();
  event.RootEntityId = organizationId;
  if ('OrganizationId' in (schema.properties ?? {})) event.OrganizationId = organizationId;
  event.EntityId = entity;
  if (mainEntityProperty !== null) event[mainEntityProperty] = entity;
  event.Timestamp = now;
  return event;
}
