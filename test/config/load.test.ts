import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../src/config/load.js';
import { SECRET, sampleDocument } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-load-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

function loadError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ env, cwd: dir });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the repository example by default, whatever the working directory', () => {
    const { config, path } = loadConfig({ env: {}, cwd: dir });
    expect(path).toBe(DEFAULT_CONFIG_PATH);
    expect(path.endsWith('config.example.json')).toBe(true);
    expect(config.organizations).toHaveLength(1);
    expect(config.gateway.Database).toBe(join(dir, 'data', 'gateway.db'));
  });

  it('reads GATEWAY_CONFIG relative to cwd, and resolves a relative Database against cwd', () => {
    write('gw.json', { Gateway: { Database: 'db/x.db', Listen: '0.0.0.0:9000' }, ...sampleDocument() });
    const { config, path } = loadConfig({ env: { GATEWAY_CONFIG: 'gw.json' }, cwd: dir });
    expect(path).toBe(join(dir, 'gw.json'));
    expect(config.gateway.Database).toBe(join(dir, 'db', 'x.db'));
    expect(config.gateway.Listen).toBe('0.0.0.0:9000');
  });

  it('lets GATEWAY_DATABASE and GATEWAY_LISTEN override the document', () => {
    write('gw.json', { Gateway: { Database: '/var/lib/a.db', Listen: '0.0.0.0:9000' } });
    const env = { GATEWAY_CONFIG: 'gw.json', GATEWAY_DATABASE: 'other.db', GATEWAY_LISTEN: '[::1]:7000' };
    const { config } = loadConfig({ env, cwd: dir });
    expect(config.gateway.Database).toBe(join(dir, 'other.db'));
    expect(config.gateway.Listen).toBe('[::1]:7000');
    expect(
      loadConfig({ env: { ...env, GATEWAY_DATABASE: ':memory:' }, cwd: dir }).config.gateway.Database,
    ).toBe(':memory:');
    expect(loadError({ ...env, GATEWAY_LISTEN: 'nonsense' }).problems).toEqual([
      { path: '$.Gateway.Listen', message: expect.stringContaining('GATEWAY_LISTEN must be host:port') },
    ]);
  });

  it('names the file and every problem, never the secret', () => {
    const doc = sampleDocument();
    const crm = doc.Organizations[0]?.Webhooks[0];
    if (crm === undefined) throw new Error('sample changed');
    crm.Subscriptions.push({ EventType: 'QueueCallInConnected', AllEntities: true });
    const file = write('bad.json', { ...doc, Extra: true });
    const error = loadError({ GATEWAY_CONFIG: file });
    expect(error.source).toBe(file);
    expect(error.message).toContain(`Invalid configuration in ${file} (2 problems)`);
    expect(error.message).toContain(
      '$.Organizations[0].Webhooks[0].Subscriptions[3].EventType: Unknown EventType',
    );
    expect(error.message).toContain('$: Unrecognized key: "Extra"');
    expect(error.message).not.toContain(SECRET);
  });

  it('reports a JSON syntax error with its position, and a missing file', () => {
    const file = write(
      'broken.json',
      `{\n  "Gateway": {\n    "Listen": "127.0.0.1:1" "Database": "${SECRET}"\n  }\n}`,
    );
    const error = loadError({ GATEWAY_CONFIG: file });
    expect(error.problems).toEqual([
      { path: '$', message: expect.stringMatching(/^JSON syntax error at line 3, column 29 .*expected ','/) },
    ]);
    expect(error.message).not.toContain(SECRET);
    expect(loadError({ GATEWAY_CONFIG: 'missing.json' }).problems).toEqual([
      { path: '$', message: 'cannot read the configuration file (ENOENT)' },
    ]);
  });
});
