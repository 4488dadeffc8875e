import { isGuid } from '../catalogue/index.js';
import { loadConfig } from '../config/index.js';
import { eventTraceJson } from '../service/support/json.js';
import { openDatabase } from '../store/database.js';
import { type EventTrace, traceEvent } from '../store/trace.js';
import { formatTrace } from '../support/format-trace.js';
import { CommandError } from './command-error.js';

/**
 * `gateway trace EVENT_ID`: what happened to one event, read-only, safe to run beside a live gateway.
 * Exit status 0 when the event was accepted, 1 when no event has that Id, 2 when the argument is not a Guid.
 */
export function traceCommand(eventId: string, options: { json?: boolean } = {}): void {
  refuseNonGuid(eventId);
  const { config } = loadConfig();
  const database = openDatabase(config.gateway.Database, { readonly: true });
  try {
    printTrace(eventId, traceEvent(database.sqlite, eventId), options.json === true);
  } finally {
    database.close();
  }
}

/** Exit 2 for an argument that cannot be an event Id. */
export function refuseNonGuid(eventId: string): void {
  if (!isGuid(eventId))
    throw new CommandError(
      `trace: "${eventId}" is not an event Id: an Id is a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
      2,
    );
}

/**
 * Prints a trace, as text or (json) as the answer of GET /v1/admin/events/{Id}, built by the same code;
 * exit status 1 when no event has that Id. The same on either store.
 */
export function printTrace(eventId: string, trace: EventTrace, json: boolean): void {
  const text =
    json && (trace.event !== null || trace.pruned !== null)
      ? JSON.stringify(eventTraceJson(eventId, trace), null, 2)
      : formatTrace(eventId, trace).join('\n');
  process.stdout.write(`${text}\n`);
  if (trace.event === null) process.exitCode = 1;
}
