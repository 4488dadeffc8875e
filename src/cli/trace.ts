import { loadConfig } from '../config/index.js';
import { eventTraceJson } from '../service/support/json.js';
import { openDatabase } from '../store/database.js';
import { traceEvent } from '../store/trace.js';
import { formatTrace } from '../support/format-trace.js';
import { CommandError } from './command-error.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `gateway trace EVENT_ID`: what happened to one event, read-only, safe to run beside a live gateway.
 * Exit status 0 when the event was accepted, 1 when no event has that Id, 2 when the argument is not a Guid.
 */
export function traceCommand(eventId: string, options: { json?: boolean } = {}): void {
  if (!GUID.test(eventId)) {
    throw new CommandError(
      `trace: "${eventId}" is not an event Id: an Id is a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`,
      2,
    );
  }
  const { config } = loadConfig();
  const database = openDatabase(config.gateway.Database, { readonly: true });
  try {
    const trace = traceEvent(database.sqlite, eventId);
    // --json: the answer of GET /v1/admin/events/{Id}, built by the same code.
    const text =
      options.json === true && (trace.event !== null || trace.pruned !== null)
        ? JSON.stringify(eventTraceJson(eventId, trace), null, 2)
        : formatTrace(eventId, trace).join('\n');
    process.stdout.write(`${text}\n`);
    if (trace.event === null) process.exitCode = 1;
  } finally {
    database.close();
  }
}
