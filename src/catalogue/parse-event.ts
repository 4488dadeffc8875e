import * as z from 'zod';
import { type Problem, problemsFromIssues } from '../problems.js';
import { CATALOGUE, EVENT_TYPES, type EventType, type GatewayEvent } from './catalogue.js';
import { genericEnvelope } from './envelope.js';
import { suggestEventTypes } from './suggest.js';

/** Thrown by parseEvent (and the SDK) with every problem of the event, each named by its JSON path. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(summarise(problems));
    this.problems = problems;
  }
}

export type SafeParseEventResult = { ok: true; event: GatewayEvent } | { ok: false; problems: Problem[] };

// The hot path only asks "valid?": zod's compiled assert-only validators, one per type, built at load.
// Full issue collection (the slow path) runs on the uncompiled schemas, and only for invalid events.
const VALIDATORS = new Map<unknown, z.ZodType>(
  EVENT_TYPES.map((type) => [type, z.compile(CATALOGUE[type].schema)]),
);

const PARSE_PARAMS = {
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? 'Required property is missing' : undefined,
};

function isValid(input: unknown): input is GatewayEvent {
  if (typeof input !== 'object' || input === null) return false;
  const validator = VALIDATORS.get((input as { EventType?: unknown }).EventType);
  return validator !== undefined && z.validate(validator, input) && agrees(input as GatewayEvent);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a Guid as the contract writes Ids (any case). */
export const isGuid = (text: string): boolean => GUID.test(text);

// Only two well-formed Guids are compared: a malformed or absent one is already a problem of its own.
const sameGuid = (a: unknown, b: unknown): boolean =>
  typeof a !== 'string' ||
  typeof b !== 'string' ||
  !isGuid(a) ||
  !isGuid(b) ||
  a.toLowerCase() === b.toLowerCase();

function agrees(event: GatewayEvent): boolean {
  const body = event as unknown as Record<string, unknown>;
  const mainKey = CATALOGUE[event.EventType].mainEntityKey;
  return (
    sameGuid(event.RootEntityId, body.OrganizationId) &&
    (mainKey === null || sameGuid(event.EntityId, body[mainKey]))
  );
}

/**
 * The envelope routes an event and the body is what the receiver reads: they must name the same
 * organization and entity, or one producer bug would send one organization's data to another's webhooks.
 */
function agreementProblems(input: Record<string, unknown>, eventType: keyof typeof CATALOGUE): Problem[] {
  const problems: Problem[] = [];
  const pair = (envelopeKey: string, bodyKey: string, what: string) => {
    const envelope = input[envelopeKey];
    const body = input[bodyKey];
    if (sameGuid(envelope, body)) return;
    const clash = `$.${envelopeKey} is "${String(envelope)}" but $.${bodyKey} is "${String(body)}"`;
    problems.push(
      { path: `$.${envelopeKey}`, message: `${clash}: the envelope and the body must name the same ${what}` },
      { path: `$.${bodyKey}`, message: `${clash}: the envelope and the body must name the same ${what}` },
    );
  };
  pair('RootEntityId', 'OrganizationId', 'organization');
  const mainKey = CATALOGUE[eventType].mainEntityKey;
  if (mainKey !== null) pair('EntityId', mainKey, 'entity');
  return problems;
}

/**
 * Validates one event against the catalogue and returns the input object itself: unknown properties
 * (Enreach adds fields) and the key order survive untouched, since the gateway stores the JSON as given.
 */
export function parseEvent(input: unknown): GatewayEvent {
  if (isValid(input)) return input;
  throw new EventValidationError(problemsOf(input));
}

export function safeParseEvent(input: unknown): SafeParseEventResult {
  if (isValid(input)) return { ok: true, event: input };
  return { ok: false, problems: problemsOf(input) };
}

/** Every problem of an invalid event: envelope problems are listed even when the EventType is unknown. */
function problemsOf(input: unknown): Problem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [
      {
        path: '$',
        message: `Expected an event object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`,
      },
    ];
  }
  const eventType = (input as { EventType?: unknown }).EventType;
  const known = typeof eventType === 'string' && VALIDATORS.has(eventType);
  const schema = known ? CATALOGUE[eventType as keyof typeof CATALOGUE].schema : genericEnvelope;
  const problems = problemsFromIssues(schema.safeParse(input, PARSE_PARAMS).error?.issues ?? []);
  if (known) problems.push(...agreementProblems(input as Record<string, unknown>, eventType as EventType));
  if (typeof eventType === 'string' && !known) {
    problems.unshift({ path: '$.EventType', message: unknownEventTypeMessage(eventType) });
  }
  if (problems.length === 0) throw new Error('invariant: an event the validator refused has no problems');
  return problems;
}

function unknownEventTypeMessage(name: string): string {
  const suggestions = suggestEventTypes(name).map((s) => `"${s}"`);
  if (suggestions.length === 0) return `Unknown EventType "${name}"`;
  const last = suggestions.pop();
  return `Unknown EventType "${name}". Did you mean ${suggestions.length ? `${suggestions.join(', ')} or ${last}` : last}?`;
}

const SHOWN_IN_MESSAGE = 5;

function summarise(problems: readonly Problem[]): string {
  const shown = problems.slice(0, SHOWN_IN_MESSAGE).map((p) => `${p.path}: ${p.message}`);
  const more = problems.length > SHOWN_IN_MESSAGE ? `; and ${problems.length - SHOWN_IN_MESSAGE} more` : '';
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `Invalid event (${count}): ${shown.join('; ')}${more}`;
}
