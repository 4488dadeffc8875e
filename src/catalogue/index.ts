export {
  CATALOGUE,
  type CatalogueEntry,
  type EntityTypeOf,
  EVENT_TYPE_INFO,
  EVENT_TYPES,
  type EventOf,
  type EventPropertiesOf,
  type EventType,
  type EventTypeInfo,
  type GatewayEvent,
  type MainEntityKeyOf,
} from './catalogue.js';
export {
  ENTITY_TYPES,
  ENVELOPE_KEYS,
  type EntityType,
  type EnvelopeKey,
  type EventEntityType,
  ROOT_ENTITY_TYPES,
  type RootEntityType,
} from './envelope.js';
export type { Field, FieldMap } from './fields.js';
export { eventJsonSchema } from './json-schema.js';
export {
  EventValidationError,
  isGuid,
  parseEvent,
  type SafeParseEventResult,
  safeParseEvent,
} from './parse-event.js';
export { suggestEventTypes } from './suggest.js';
