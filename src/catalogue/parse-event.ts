import * as z from 'zod';
import { type Problem, problemsFromIssues } from '../problems.js';
import { CATALOGUE, EVENT_TYPES, type GatewayEvent } from './catalogue.js';
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
  return validator !== undefined && z.validate(validator, input);
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
