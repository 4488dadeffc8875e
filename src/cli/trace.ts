import { loadConfig } from '../config/index.js';
import { openDatabase } from '../store/database.js';
import { traceEvent } from '../store/trace.js';
import { formatTrace } from '../support/format-trace.js';
import { CommandError } from './command-error.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `gateway trace EVENT_ID`: what happened to one event, read-only, safe to run beside a live gateway.
 * Exit status 0 when the event was accepted, 1 when no event has that Id, 2 when the argument is not a Guid.
 */
export function traceCommand(eventId: string): void {
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
    process.stdout.write(`${formatTrace(eventId, trace).join('\n')}\n`);
    if (trace.event === null) process.exitCode = 1;
  } finally {
    database.close();
  }
}
