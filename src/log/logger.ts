import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Paths pino must never print. Secrets reach log calls only by mistake (a webhook row logged whole, a
 * request's headers); redaction is the net under that mistake, not a licence to log such objects.
 */
export const REDACTED_PATHS = [
  'secret',
  'Secret',
  '*.secret',
  '*.Secret',
  '*.*.secret',
  '*.*.Secret',
  'token',
  '*.token',
  'ProducerTokens',
  '*.ProducerTokens',
  'AdminTokens',
  '*.AdminTokens',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-benemen-token"]',
  'headers["x-benemen-token"]',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; tests pass a stream to read them back. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  const settings = {
    level,
    base: { service: 'webhook-gateway' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return options.destination
    ? pino(settings, options.destination as unknown as pino.DestinationStream)
    : pino(settings);
}

/** A logger that writes nothing: the default for library users who did not ask for logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
