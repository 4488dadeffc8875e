import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFailure } from '../../src/cli/start-failure.js';
import { openDatabase } from '../../src/store/database.js';
import { tempDir, testDocument, writeConfig } from '../support/gateway.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const gateway = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], env);

/** A failed start: exit 2 and one line on stderr, never a stack trace. */
function expectPlainRefusal(result: Run, ...says: string[]) {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  for (const text of says) expect(result.stderr).toContain(text);
}

let dir: string;
let configFile: string;
const isRoot = process.getuid?.() === 0;

beforeAll(() => {
  dir = tempDir();
  configFile = writeConfig(dir, testDocument(join(dir, 'gateway.db')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gateway serve: a failed start exits 2 with one line naming the setting', () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('port in use', async () => {
    const { port } = busy.address() as { port: number };
    const result = await gateway(['serve'], {
      GATEWAY_CONFIG: configFile,
      GATEWAY_DATABASE: join(dir, 'port.db'),
      GATEWAY_LISTEN: `127.0.0.1:${port}`,
    });
    expectPlainRefusal(result, `127.0.0.1:${port}`, 'in use', 'GATEWAY_LISTEN');
  });

  it('a database path that is a folder', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const result = await gateway(['serve'], { GATEWAY_CONFIG: configFile, GATEWAY_DATABASE: folder });
    expectPlainRefusal(result, folder, 'is a folder', 'GATEWAY_DATABASE');
  });

  it('a corrupt database file', async () => {
    const file = join(dir, 'corrupt.db');
    writeFileSync(file, Buffer.alloc(8192, 7));
    const result = await gateway(['serve'], { GATEWAY_CONFIG: configFile, GATEWAY_DATABASE: file });
    expectPlainRefusal(result, file, 'corrupt', 'GATEWAY_DATABASE');
  });

  it('a database written by a newer version of the gateway', async () => {
    const file = join(dir, 'newer.db');
    const database = openDatabase(file);
    database.sqlite
      .prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)')
      .run('from-the-future', Date.now() + 1e12);
    database.close();
    const result = await gateway(['serve'], { GATEWAY_CONFIG: configFile, GATEWAY_DATABASE: file });
    expectPlainRefusal(result, file, 'newer version', 'GATEWAY_DATABASE');
  });

  it.skipIf(isRoot)(
    'an unreadable or read-only database file (not as root, who may read anything)',
    async () => {
      for (const mode of [0o000, 0o444]) {
        const file = join(dir, `mode-${mode}.db`);
        openDatabase(file).close();
        chmodSync(file, mode);
        const result = await gateway(['serve'], { GATEWAY_CONFIG: configFile, GATEWAY_DATABASE: file });
        expectPlainRefusal(result, file, 'GATEWAY_DATABASE');
      }
    },
  );

  it('without a configuration document, as the Docker image starts when none is mounted', async () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const configPath = /GATEWAY_CONFIG=(\S+)/.exec(dockerfile)?.[1];
    expect(configPath).toBe('/etc/gateway/config.json');
    // The image bakes in no configuration, so its public example token is never served.
    expect(dockerfile).not.toMatch(/^COPY\b.*(config\.example\.json|\/etc\/gateway)/m);
    const missing = join(dir, 'etc-gateway', 'config.json');
    const result = await gateway(['serve'], {
      GATEWAY_CONFIG: missing,
      GATEWAY_DATABASE: join(dir, 'docker.db'),
    });
    expectPlainRefusal(result, missing, 'GATEWAY_CONFIG', 'mount');
  });

  it('names the setting for what cannot be staged here: a full disk', () => {
    const settings = { Database: '/var/lib/gateway/gateway.db', Listen: '0.0.0.0:8080' };
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(startFailure(full, settings)?.message).toBe(
      'gateway: cannot start: database /var/lib/gateway/gateway.db failed (SQLITE_FULL): the disk is full; free some space (Gateway.Database, or GATEWAY_DATABASE)',
    );
    const readOnly = Object.assign(new Error('attempt to write a readonly database'), {
      code: 'SQLITE_READONLY',
    });
    expect(startFailure(readOnly, settings)?.message).toContain('(SQLITE_READONLY)');
    expect(startFailure(new Error('a bug'), settings)).toBeNull();
  });
});

describe('gateway trace', () => {
  it('exits 2 for an argument that is not a Guid, 1 for an Id never seen', async () => {
    const env = { GATEWAY_CONFIG: configFile };
    openDatabase(join(dir, 'gateway.db')).close();
    const bad = await gateway(['trace', 'not-a-guid'], env);
    expectPlainRefusal(bad, 'not-a-guid', 'Guid');
    const unseen = await gateway(['trace', randomUUID()], env);
    expect(unseen.code, unseen.stderr).toBe(1);
    expect(unseen.stdout).toContain('was accepted');
  });
});

describe('gateway export', () => {
  it('writes mode 0600 even over an existing world-readable file', async () => {
    const file = join(dir, 'exported.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    chmodSync(file, 0o644);
    const result = await gateway(['export', file], { GATEWAY_CONFIG: configFile });
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('to standard output through `npm run -s`, as the README says: valid JSON', async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = await run(npm, ['run', '-s', 'gateway', '--', 'export'], { GATEWAY_CONFIG: configFile });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ Gateway: { Listen: '127.0.0.1:0' } });
  });
});
