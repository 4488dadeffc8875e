import * as z from 'zod';

/**
 * One property of an event or helper type, described the way the spec's tables do (.NET types), and
 * turned into two zod schemas: `strict` (nested helper objects refuse unknown keys) to infer the
 * TypeScript types the SDK type-checks against, and `loose` (nested helper objects keep unknown keys)
 * to validate incoming JSON, since Enreach adds fields over time.
 *
 * `value` is what the property may hold (null included for reference types and `Guid?`-style value
 * types); `optional` says the property may be absent. A nullable property is always optional, because
 * a .NET producer configured to ignore nulls omits it.
 */
export interface Field<V extends z.ZodType = z.ZodType, O extends boolean = boolean> {
  /** The .NET type as the spec names it, with one spelling per type: Guid, int?, string, List<QueueGroup>. */
  readonly typeName: string;
  readonly nullable: boolean;
  readonly optional: O;
  readonly strict: V;
  readonly loose: z.ZodType;
  /** The properties of a helper object type, or null for every other type. */
  readonly fields: FieldMap | null;
}

export type FieldMap = Readonly<Record<string, Field>>;

/** The zod shape a field map stands for: optional fields become optional keys. */
export type StrictShape<P extends FieldMap> = {
  -readonly [K in keyof P]: P[K] extends Field<infer V, infer O>
    ? O extends true
      ? z.ZodOptional<V>
      : V
    : never;
};

export function strictShape<P extends FieldMap>(fields: P): StrictShape<P> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, f] of Object.entries(fields)) shape[key] = f.optional ? f.strict.optional() : f.strict;
  return shape as StrictShape<P>;
}

export function looseShape(fields: FieldMap): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, f] of Object.entries(fields)) shape[key] = f.optional ? f.loose.optional() : f.loose;
  return shape;
}

function field<V extends z.ZodType>(typeName: string, schema: V, nullable = false): Field<V, false> {
  return { typeName, nullable, optional: false, strict: schema, loose: schema, fields: null };
}

function reference<V extends z.ZodType>(typeName: string, schema: V): Field<z.ZodNullable<V>, true> {
  return { ...field(typeName, schema.nullable(), true), optional: true };
}

// Seconds are mandatory (.NET always writes them); the fraction (.NET writes up to 7 digits) and the zone
// (none, Z or an offset) are optional. The date part is zod's, which knows month lengths and leap years.
const DATE = z.regexes.date.source.slice(1, -1);
const DOTNET_DATETIME = new RegExp(
  `^${DATE}T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)?$`,
);

function dotnetEnum(typeName: string): Field<z.ZodUnion<[z.ZodInt32, z.ZodString]>, false> {
  // .NET writes an enum as its number or as its name, depending on the serializer; the spec shows both.
  return field(typeName, z.union([z.int32(), z.string()], { error: enumMessage(typeName) }));
}

function enumMessage(typeName: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? undefined : `Invalid ${typeName}: expected an integer value or a name`;
}

/** The spec's value types. Names match the spec's spelling so generated definitions read like its tables. */
export const t = {
  Guid: field('Guid', z.guid({ error: (i) => (i.code === 'invalid_format' ? 'Invalid Guid' : undefined) })),
  DateTime: field(
    'DateTime',
    z.string().regex(DOTNET_DATETIME, 'Invalid DateTime: expected ISO-8601 such as 2020-01-01T12:00:00Z'),
  ),
  int: field('int', z.int32()),
  short: field('short', z.int().min(-32_768).max(32_767)),
  // JSON.parse turns integers beyond 2^53 into rounded doubles before zod sees them, so a .NET long is
  // only accepted within the safe-integer range, where it survives the round trip exactly.
  long: field('long', z.int()),
  float: field('float', z.number()),
  bool: field('bool', z.boolean()),
  string: reference('string', z.string()),
  CallEventPublicityCategory: dotnetEnum('CallEventPublicityCategory'),
  CallPublicityCategory: dotnetEnum('CallPublicityCategory'),
  UserSettingLevelEnum: dotnetEnum('UserSettingLevelEnum'),
  SupervisionState: dotnetEnum('SupervisionState'),
  /** The spec never describes SmartRoutingTarget, so any object is accepted. */
  SmartRoutingTarget: field('SmartRoutingTarget', z.record(z.string(), z.unknown())),
  StringDictionary: reference('Dictionary<string, string>', z.record(z.string(), z.string().nullable())),
  ObjectDictionary: reference('Dictionary<string, object>', z.record(z.string(), z.unknown())),

  /** A `T?` value type: null allowed, and so the property may be omitted. */
  nullable<V extends z.ZodType>(inner: Field<V, false>): Field<z.ZodNullable<V>, true> {
    if (inner.nullable) throw new Error(`${inner.typeName} is already nullable`);
    return {
      ...inner,
      typeName: `${inner.typeName}?`,
      nullable: true,
      optional: true,
      strict: inner.strict.nullable(),
      loose: inner.loose.nullable(),
    };
  },

  /** A non-nullable property the spec's example payload leaves out, so producers may too. */
  optional<V extends z.ZodType>(inner: Field<V, false>): Field<V, true> {
    return { ...inner, optional: true };
  },

  /** List<T>: a reference type, so null (or absent) is allowed; elements take T's own nullability. */
  list<V extends z.ZodType>(element: Field<V>): Field<z.ZodNullable<z.ZodArray<V>>, true> {
    return {
      typeName: `List<${element.typeName}>`,
      nullable: true,
      optional: true,
      strict: z.array(element.strict).nullable(),
      loose: z.array(element.loose).nullable(),
      fields: null,
    };
  },

  /** A helper type from the spec's "Misc:" sections, nested in events. */
  object<P extends FieldMap>(
    typeName: string,
    fields: P,
  ): Field<z.ZodObject<StrictShape<P>, z.core.$strict>, false> {
    return {
      typeName,
      nullable: false,
      optional: false,
      strict: z.strictObject(strictShape(fields)),
      loose: z.looseObject(looseShape(fields)),
      fields,
    };
  },
} as const;
