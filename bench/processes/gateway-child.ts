import { statSync } from 'node:fs';
import type { GatewayEvent } from '../../src/catalogue/index.js';
import type { RunningGateway } from '../../src/service/gateway.js';
import type { RunningPgGateway } from '../../src/service/pg-gateway.js';
import { importBuiltGateway } from '../lib/built-gateway.js';
import { CpuTimeline } from '../lib/cpu-timeline.js';
import { serveCommands } from '../lib/ipc-serve.js';
import { LoopMonitor } from '../lib/loop-monitor.js';
import {
  type ClosedLoopOptions,
  type OpenLoopOptions,
  publishClosedLoop,
  publishOpenLoop,
} from '../lib/producer.js';
import { RssSampler } from '../lib/rss-sampler.js';
import { threadCpuMicros } from '../lib/thread-cpu.js';

/**
 * The gateway in its own process, with an in-process producer (the LocalPublisher SDK) driven over IPC:
 * what this process uses (CPU, RSS) is the gateway's and its producer's, nobody else's. The gateway is
 * the built package (bench/run.ts compiles it first), as `npm start` runs it.
 */
const { createLogger, limitHeapGrowth, parseConfigDocument, startServing } = await importBuiltGateway();
// As `gateway serve` does for the process it owns.
limitHeapGrowth();
let gateway: RunningGateway | RunningPgGateway | null = null;
let dbFile = '';
const rss = new RssSampler(100);
const loop = new LoopMonitor();
const cpu = new CpuTimeline();

function running(): RunningGateway | RunningPgGateway {
  if (gateway === null) throw new Error('the gateway is not started');
  return gateway;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

serveCommands(
  {
    start: async (args: { document: Record<string, unknown>; http: boolean }) => {
      const config = parseConfigDocument(args.document);
      dbFile = config.gateway.Database;
      const level = process.env.BENCH_GATEWAY_LOG;
      // A postgres:// Database runs the gateway on PostgreSQL (the postgres scenario).
      gateway = await startServing({
        config,
        http: args.http,
        // Hanging receivers must not stretch every teardown to the default 10 s.
        shutdownGraceMs: 2_000,
        ...(level ? { logger: createLogger({ level, destination: process.stderr }) } : {}),
      });
      return { url: gateway.url };
    },
    publish: (args: ClosedLoopOptions) =>
      publishClosedLoop((events: GatewayEvent[]) => running().publisher.publishBatch(events), args),
    openLoop: (args: OpenLoopOptions) =>
      publishOpenLoop((event: GatewayEvent) => running().publisher.publish(event), args),
    memory: () => rss.report(),
    /** CPU time so far of each thread (µs), as [thread id, µs] pairs; the main thread's id is the pid. */
    threadCpu: () => ({ pid: process.pid, threads: [...threadCpuMicros()] }),
    /** CPU use (fraction of a core) per second since the previous call. */
    cpuTimeline: () => cpu.take(),
    /** Event loop figures since the previous call. */
    loopPhase: () => loop.phase(),
    resetPeak: () => rss.resetPeak(),
    /** Heap in use after a full collection (the live set), when started with --expose-gc. */
    liveHeap: () => {
      const collect = (globalThis as { gc?: () => void }).gc;
      if (collect === undefined) return null;
      collect();
      return process.memoryUsage().heapUsed;
    },
    /** Where the store stands: deliveries per state, attempts made, file sizes. */
    storeStats: async () => {
      const current = running();
      if ('store' in current) {
        const states = await current.database.pool.query<{ state: string; n: number }>(
          'SELECT state, count(*)::int AS n FROM deliveries GROUP BY state',
        );
        return { deliveries: Object.fromEntries(states.rows.map((s) => [s.state, s.n])) };
      }
      const sqlite = current.database.sqlite;
      const states = sqlite.prepare('SELECT state, count(*) AS n FROM deliveries GROUP BY state').all() as {
        state: string;
        n: number;
      }[];
      const attempts = sqlite.prepare('SELECT count(*) FROM attempts').pluck().get() as number;
      return {
        deliveries: Object.fromEntries(states.map((s) => [s.state, s.n])),
        attempts,
        dbBytes: fileBytes(dbFile),
        walBytes: fileBytes(`${dbFile}-wal`),
      };
    },
    engine: () => running().engine.snapshot(),
    /** SIGHUP's work: the configuration file the environment names, read and applied; changes made. */
    reloadFile: async (args: { env: Record<string, string> }) =>
      (await running().configuration.reloadFile({ ...process.env, ...args.env })).length,
    /** A producer's group PUT through the in-process SDK. */
    replaceGroup: async (args: { organizationId: string; securityGroupId: string; entityIds: string[] }) => {
      await running().publisher.replaceSecurityGroupMembers(
        args.organizationId,
        args.securityGroupId,
        args.entityIds,
      );
      return null;
    },
    /** The configuration revision the routing reflects. */
    revision: () => running().router.currentRevision,
    stop: async () => {
      await gateway?.stop();
      gateway = null;
      return null;
    },
  },
  async () => {
    rss.stop();
    loop.stop();
    cpu.stop();
    await gateway?.stop();
    gateway = null;
  },
);
