import { existsSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log/logger.js';
import { coalescing } from '../service/configuration.js';
import type { startServing } from '../service/gateway.js';
import { limitHeapGrowth } from '../service/heap-growth.js';
import { redactUrl } from '../store/pg/url.js';
import { CommandError } from './command-error.js';
import { startFailure } from './start-failure.js';

/**
 * `gateway serve`: runs until SIGTERM or SIGINT, then stops accepting, finishes requests in flight,
 * waits a bounded time for delivery attempts, closes the store and exits 0. SIGHUP re-applies the
 * configuration file (desired state) without a restart.
 */
export async function serve(): Promise<void> {
  // Logged as the percent set here, or as the operator's when node's own flag set it.
  const heapGrowingPercent = limitHeapGrowth() ?? 'from --heap-growing-percent';
  const logger = createLogger();
  // The handlers are in place before anything else: until a handler exists, a signal's default action
  // ends the process without a word. One that arrives during the (possibly long) start waits for it.
  let gateway: Awaited<ReturnType<typeof startServing>> | null = null;
  let stopSignal: string | null = null;
  let reloadWanted = false;
  const stop = (signal: string) => {
    if (stopSignal !== null) return;
    stopSignal = signal;
    logger.info({ signal }, 'shutting down');
    if (gateway !== null) finish(gateway);
  };
  const finish = (running: NonNullable<typeof gateway>) =>
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  // Signals that arrive during a reload ask for one more reload after it, however many they are.
  const reload = coalescing(async () => {
    if (stopSignal !== null || gateway === null) return;
    try {
      // Read, validated and applied in the configuration thread: the event loop goes on serving.
      const changes = await gateway.configuration.reloadFile(process.env);
      logger.info({ changes: changes.length }, 'configuration reloaded');
    } catch (error) {
      // A bad document on reload changes nothing: the running configuration stays in force.
      logger.error({ err: error }, 'configuration reload refused');
    }
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (gateway === null) reloadWanted = true;
    else reload();
  });

  refuseMissingConfig(process.env.GATEWAY_CONFIG);
  const { config, path } = loadConfig();
  logger.info(
    { config: path, database: redactUrl(config.gateway.Database), heapGrowingPercent },
    'starting gateway',
  );
  try {
    // Loaded here, not at the top: the other commands (export, trace, ...) need none of the HTTP API.
    const { startServing } = await import('../service/gateway.js');
    gateway = await startServing({ config, logger });
  } catch (error) {
    throw startFailure(error, config.gateway) ?? error;
  }
  if (stopSignal !== null) finish(gateway);
  // The file read at start may have changed since the signal.
  else if (reloadWanted) reload();
}

/**
 * A GATEWAY_CONFIG naming no file is a deployment without its configuration (the Docker image ships
 * none): say what to do instead of starting on anything else.
 */
function refuseMissingConfig(configured: string | undefined): void {
  if (configured === undefined || configured === '' || existsSync(configured)) return;
  throw new CommandError(
    `gateway: cannot start: no configuration document at ${configured} (GATEWAY_CONFIG): mount yours there (docker run -v "$PWD/my-config.json:${configured}:ro" ...) or set GATEWAY_CONFIG to its path`,
  );
}
