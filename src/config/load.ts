import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPostgresUrl } from '../store/pg/url.js';
import { ConfigError } from './config-error.js';
import { parseJsonText } from './json-text.js';
import { LISTEN_FORMAT, parseListen } from './listen.js';
import { type ParsedConfig, parseConfigDocument } from './parse.js';

// src/config/ under tsx, dist/config/ after tsc: the repository root is two levels up either way, so the
// README's run command finds the example from a fresh clone whatever the working directory.
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../config.example.json', import.meta.url));

export interface LoadConfigOptions {
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/**
 * Reads the configuration file named by GATEWAY_CONFIG (default: config.example.json at the repository
 * root), validates it, then applies GATEWAY_DATABASE and GATEWAY_LISTEN. The returned Database path is
 * absolute (a relative one resolves against cwd). Throws ConfigError naming the file and every problem.
 */
export function loadConfig(options: LoadConfigOptions = {}): { config: ParsedConfig; path: string } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configured = nonEmpty(env.GATEWAY_CONFIG);
  const path = configured === undefined ? DEFAULT_CONFIG_PATH : resolve(cwd, configured);

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError([{ path: '$', message: `cannot read the configuration file (${code})` }], path);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new ConfigError([json.problem], path);

  let config: ParsedConfig;
  try {
    config = parseConfigDocument(json.value);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.problems, path);
    throw error;
  }

  const listen = nonEmpty(env.GATEWAY_LISTEN) ?? config.gateway.Listen;
  if (parseListen(listen) === null) {
    throw new ConfigError([{ path: '$.Gateway.Listen', message: `GATEWAY_LISTEN ${LISTEN_FORMAT}` }], path);
  }

  const database = nonEmpty(env.GATEWAY_DATABASE) ?? config.gateway.Database;
  const gateway = {
    ...config.gateway,
    Listen: listen,
    Database:
      database === ':memory:' || isAbsolute(database) || isPostgresUrl(database)
        ? database
        : resolve(cwd, database),
  };
  return { config: { ...config, gateway }, path };
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;
