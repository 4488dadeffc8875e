import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseConfigDocument } from '../../src/config/index.js';
import { type RunningGateway, type StartGatewayOptions, startGateway } from '../../src/service/gateway.js';

export const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';
export const OTHER_ORG = '0b6f3c1e-5b1a-4f57-9d2e-2c6d5f7a8b90';
export const TOKEN = 'test-producer-token';

export interface TestConfig {
  organizations?: unknown[];
  delivery?: Record<string, unknown>;
  producerTokens?: string[];
  adminTokens?: unknown[];
  metricsToken?: string;
  retention?: Record<string, unknown>;
}

/** A configuration document for tests: loopback receivers, so the development flags are on. */
export function testDocument(dbFile: string, config: TestConfig = {}): Record<string, unknown> {
  return {
    Gateway: {
      Listen: '127.0.0.1:0',
      Database: dbFile,
      ProducerTokens: config.producerTokens ?? [TOKEN],
      ...(config.adminTokens === undefined ? {} : { AdminTokens: config.adminTokens }),
      ...(config.metricsToken === undefined ? {} : { MetricsToken: config.metricsToken }),
      Delivery: {
        RetryScheduleSeconds: [0.05, 0.05],
        AllowHttp: true,
        AllowAnyPort: true,
        AllowPrivateNetworks: true,
        ...config.delivery,
      },
      ...(config.retention === undefined ? {} : { Retention: config.retention }),
    },
    Organizations: config.organizations ?? [],
  };
}

/** One organization with webhooks, each subscribed with AllEntities to the given types. */
export function organization(
  id: string,
  webhooks: {
    endpoint: string;
    eventTypes?: string[];
    webhook?: Record<string, unknown>;
    subscriptions?: unknown[];
  }[],
  securityGroups: unknown[] = [],
): Record<string, unknown> {
  return {
    OrganizationId: id,
    SecurityGroups: securityGroups,
    Webhooks: webhooks.map((w) => ({
      Webhook: { Endpoint: w.endpoint, ...w.webhook },
      Subscriptions:
        w.subscriptions ??
        (w.eventTypes ?? ['UserStatus']).map((EventType) => ({ EventType, AllEntities: true })),
    })),
  };
}

export interface TestGateway extends RunningGateway {
  dir: string;
  dbFile: string;
  /** Runs a read query on the gateway's own store. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  cleanup(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gateway-test-'));
}

/** The real gateway, in process, on a real SQLite file in a fresh temp folder. */
export async function startTestGateway(
  config: TestConfig = {},
  options: Partial<StartGatewayOptions> = {},
): Promise<TestGateway> {
  const dir = tempDir();
  const dbFile = join(dir, 'gateway.db');
  const gateway = await startGateway({
    config: parseConfigDocument(testDocument(dbFile, config)),
    ...options,
  });
  return Object.assign(gateway, {
    dir,
    dbFile,
    rows<T>(sql: string, ...params: unknown[]): T[] {
      return gateway.database.sqlite.prepare(sql).all(...params) as T[];
    },
    async cleanup() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Every log line the process printed (JSON, parsed). */
  logs: Record<string, unknown>[];
  /** The exit code, or the signal's name when a signal ended it (a crash, or a default action). */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Everything the process wrote to stderr so far. */
  stderr: () => string;
}

/** The gateway as its own process before it listens: `logged(msg)` waits for one of its log lines. */
export interface StartingGateway extends Omit<GatewayProcess, 'url'> {
  logged: (msg: string) => Promise<Record<string, unknown>>;
}

/**
 * The gateway as its own process (`src/cli/main.ts serve` under tsx), for tests that kill or signal it.
 * Resolves once it logs the address it listens on.
 */
export async function spawnGateway(
  configFile: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const gateway = launchGateway(configFile, env);
  const listening = await gateway.logged('gateway listening');
  return { ...gateway, url: listening.url as string };
}

/** Starts `gateway serve` and returns at once; see spawnGateway for the usual wait. */
export function launchGateway(configFile: string, env: Record<string, string> = {}): StartingGateway {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { ...process.env, GATEWAY_CONFIG: configFile, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const waiting: { msg: string; resolve: (entry: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      for (const wait of waiting.filter((w) => w.msg === entry.msg)) {
        waiting.splice(waiting.indexOf(wait), 1);
        wait.resolve(entry);
      }
    } catch {
      logs.push({ raw: line });
    }
  });
  const logged = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find((l) => l.msg === msg);
      if (seen !== undefined) return resolve(seen);
      waiting.push({ msg, resolve });
      void exited.then((code) => reject(new Error(`gateway exited with ${code} before "${msg}": ${stderr}`)));
    });
  return { child, logs, exited, logged, stderr: () => stderr };
}

export function writeConfig(dir: string, document: Record<string, unknown>): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  return file;
}
