import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nowMs } from '../lib/clock.js';
import { freePort } from '../lib/free-port.js';
import { serveCommands } from '../lib/ipc-serve.js';
import {
  addSummary,
  emptySummary,
  numberAfter,
  type PortReceipts,
  type ReceiptSummary,
  type WaitResult,
} from '../lib/receipts.js';

/**
 * Webhook receivers for the bench: node:http servers on 127.0.0.1 that answer 200 with no body, count
 * what they get (by BenchSeq, so duplicates show) and, when asked, keep each event's publish-to-receipt
 * latency. Requests to a path starting with /hang are read and never answered; hostile ones answer
 * /endless with 200 and a body that never ends, and /headers with 10,000 response headers. Nothing crosses
 * IPC per request: the parent asks for summaries.
 */

const ENDLESS_CHUNK = Buffer.alloc(64 * 1024, 'x');
const MANY_HEADERS = Buffer.from(
  `HTTP/1.1 200 OK\r\n${Array.from({ length: 10_000 }, (_, i) => `x-h${i}: ${'v'.repeat(20)}\r\n`).join('')}content-length: 0\r\n\r\n`,
  'latin1',
);

/** Writes body chunks for as long as the connection lasts, yielding to the event loop between them. */
function writeForever(res: ServerResponse): void {
  const next = () => {
    if (res.destroyed || res.socket === null) return;
    if (res.write(ENDLESS_CHUNK)) setImmediate(next);
    else res.once('drain', next);
  };
  next();
}
interface PortState extends ReceiptSummary {
  server: Server;
  seen: Uint8Array | null;
  /** Longest wait between two consecutive receipts: a stalled lane shows here. */
  maxGapMs: number;
}

interface Waiter {
  ports: Set<number> | null;
  count: number;
  target: number;
  done: (timedOut: boolean) => void;
}

const ports = new Map<number, PortState>();
const waiters = new Set<Waiter>();
let seqCapacity = 0;
let latencies = new Float64Array(0);
let latencyCount = 0;
let recordLatency = false;
/** Distinct events received per TIMELINE_MS since the last reset: shows how a rate varies over a run. */
const TIMELINE_MS = 1_000;
let timeline: number[] = [];
let resetAt = nowMs();

function onRequest(state: PortState, port: number, url: string | undefined, body: string, at: number): void {
  const seq = numberAfter(body, '"BenchSeq":');
  if (!Number.isInteger(seq) || seq < 0) {
    state.malformed++;
    return;
  }
  state.received++;
  if (seq < seqCapacity) {
    state.seen ??= new Uint8Array(seqCapacity);
    if (state.seen[seq] === 1) {
      state.duplicates++;
      return;
    }
    state.seen[seq] = 1;
  }
  state.unique++;
  const slot = Math.floor((at - resetAt) / TIMELINE_MS);
  timeline[slot] = (timeline[slot] ?? 0) + 1;
  if (state.firstAt === 0) state.firstAt = at;
  else state.maxGapMs = Math.max(state.maxGapMs, at - state.lastAt);
  state.lastAt = at;
  if (recordLatency && !url?.startsWith('/hang')) keepLatency(at - numberAfter(body, '"BenchPublishedAt":'));
  for (const w of waiters) {
    if (w.ports !== null && !w.ports.has(port)) continue;
    if (++w.count >= w.target) w.done(false);
  }
}

function keepLatency(ms: number): void {
  if (latencyCount === latencies.length) {
    const grown = new Float64Array(Math.max(65_536, latencies.length * 2));
    grown.set(latencies);
    latencies = grown;
  }
  latencies[latencyCount++] = ms;
}

function listenOne(port: number): Promise<number> {
  const server = createServer({ noDelay: true });
  // Longer than undici's idle socket timeout, so the sender, not the receiver, decides when to reconnect.
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = (server.address() as AddressInfo).port;
      const state: PortState = { ...emptySummary(), server, seen: null, maxGapMs: 0 };
      ports.set(bound, state);
      server.on('request', (req, res) => {
        let body = '';
        req.setEncoding('latin1');
        req.on('data', (chunk: string) => {
          body += chunk;
        });
        req.on('end', () => {
          const at = nowMs();
          if (req.url?.startsWith('/hang')) return;
          if (req.url?.startsWith('/headers')) {
            res.socket?.end(MANY_HEADERS);
            return;
          }
          if (req.url?.startsWith('/endless')) {
            res.writeHead(200);
            writeForever(res);
            onRequest(state, bound, req.url, body, at);
            return;
          }
          res.writeHead(200, { 'content-length': '0' });
          res.end();
          onRequest(state, bound, req.url, body, at);
        });
      });
      resolve(bound);
    });
  });
}

function summaryOf(scope: readonly number[] | null): ReceiptSummary {
  let total = emptySummary();
  for (const [port, s] of ports) if (scope === null || scope.includes(port)) total = addSummary(total, s);
  return total;
}

async function closePort(port: number): Promise<void> {
  const state = ports.get(port);
  if (state === undefined) return;
  ports.delete(port);
  state.server.closeAllConnections();
  await new Promise<void>((resolve) => state.server.close(() => resolve()));
}

serveCommands(
  {
    /** Opens `count` servers on ephemeral ports, or one on `port`. */
    listen: async (args: { count?: number; port?: number }) => {
      const opened: number[] = [];
      if (args.port !== undefined) opened.push(await listenOne(args.port));
      for (let i = 0; i < (args.count ?? 0); i++) opened.push(await listenOne(0));
      return opened;
    },
    /** A free port with nothing listening on it (yet): for a receiver that is down. */
    reservePort: () => freePort(),
    /** Forgets every count; seqCapacity bounds BenchSeq values checked for duplicates. */
    reset: (args: { seqCapacity: number; latency: boolean }) => {
      seqCapacity = args.seqCapacity;
      recordLatency = args.latency;
      latencies = new Float64Array(args.latency ? Math.min(args.seqCapacity, 1 << 22) : 0);
      latencyCount = 0;
      timeline = [];
      resetAt = nowMs();
      for (const s of ports.values()) Object.assign(s, emptySummary(), { seen: null, maxGapMs: 0 });
      return null;
    },
    summary: (args: { ports?: number[] }) => summaryOf(args.ports ?? null),
    perPort: (): PortReceipts[] =>
      [...ports].map(([port, s]) => ({
        port,
        unique: s.unique,
        firstAt: s.firstAt,
        lastAt: s.lastAt,
        maxGapMs: s.maxGapMs,
      })),
    /** Resolves once the ports in scope hold `target` distinct events, or at the timeout (timedOut). */
    waitFor: (args: { target: number; ports?: number[]; timeoutMs: number }) =>
      new Promise<WaitResult>((resolve) => {
        const scope = args.ports ?? null;
        let timer: NodeJS.Timeout | undefined;
        const waiter: Waiter = {
          ports: scope === null ? null : new Set(scope),
          count: summaryOf(scope).unique,
          target: args.target,
          done: (timedOut) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve({ ...summaryOf(scope), timedOut });
          },
        };
        if (waiter.count >= waiter.target) return waiter.done(false);
        waiters.add(waiter);
        timer = setTimeout(() => waiter.done(true), args.timeoutMs);
      }),
    latencies: () => latencies.slice(0, latencyCount),
    /** Distinct events per second since the reset (holes are seconds without any). */
    timeline: () => Array.from(timeline, (n) => n ?? 0),
    close: async (args: { port: number }) => closePort(args.port),
  },
  async () => {
    await Promise.all([...ports.keys()].map(closePort));
  },
);
