import { loadConfig } from '../config/index.js';
import { openDatabase } from '../store/database.js';
import { traceEvent } from '../store/trace.js';
import { formatTrace } from '../support/format-trace.js';

/** `gateway trace EVENT_ID`: what happened to one event, read-only, safe to run beside a live gateway. */
export function traceCommand(eventId: string): void {
  const { config } = loadConfig();
  const database = openDatabase(config.gateway.Database, { readonly: true });
  try {
    process.stdout.write(`${formatTrace(eventId, traceEvent(database.sqlite, eventId)).join('\n')}\n`);
  } finally {
    database.close();
  }
}
