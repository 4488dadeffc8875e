import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { KeyAndCert } from './tls.js';

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received on the request line. */
  url: string;
  /** Lower-cased header map, as node:http presents it. */
  headers: IncomingMessage['headers'];
  /** Header names and values in wire order and wire casing. */
  rawHeaders: string[];
  /** The body as UTF-8 text. */
  body: string;
  /** The body's exact bytes. */
  bodyBytes: Buffer;
  receivedAt: number;
  /** Which TCP connection (1, 2, ...) carried the request. */
  connection: number;
  /** TLS SNI the client sent; undefined on plain HTTP or when it sent none. */
  servername: string | undefined;
}

export interface ReceiverOptions {
  https?: KeyAndCert;
  status?: number | ((request: RecordedRequest) => number);
  delayMs?: number;
  hang?: boolean;
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Connections able to carry requests so far (TCP on http, completed TLS handshakes on https). */
  readonly connections: number;
  setStatus(status: number | ((request: RecordedRequest) => number)): void;
  setHang(hang: boolean): void;
  /** Resolves once at least n requests have arrived (rejects after timeoutMs, default 5 s). */
  waitFor(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

/**
 * A real webhook receiver on 127.0.0.1 (an ephemeral port) that records every request and answers with
 * the status it is told, so delivery tests observe exactly what went over the wire.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  let status = options.status ?? 200;
  let hang = options.hang ?? false;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  const connectionIds = new WeakMap<Socket, number>();
  let connections = 0;

  const server: Server = options.https
    ? createHttpsServer({ key: options.https.key, cert: options.https.cert })
    : createHttpServer();

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // A connection counts once it can carry requests: after the TLS handshake on https.
  server.on(options.https ? 'secureConnection' : 'connection', (socket: Socket) => {
    connections += 1;
    connectionIds.set(socket, connections);
  });

  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bodyBytes = Buffer.concat(chunks);
      const servername = (req.socket as Partial<TLSSocket>).servername;
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: bodyBytes.toString('utf8'),
        bodyBytes,
        receivedAt: Date.now(),
        connection: connectionIds.get(req.socket) ?? 0,
        servername: typeof servername === 'string' ? servername : undefined,
      };
      requests.push(recorded);
      for (const wake of waiters) wake();
      if (hang) return;
      const respond = () => {
        const code = typeof status === 'function' ? status(recorded) : status;
        res.writeHead(code, options.headers);
        res.end(options.body);
      };
      if (options.delayMs) setTimeout(respond, options.delayMs);
      else respond();
    });
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    setStatus(next) {
      status = next;
    },
    setHang(next) {
      hang = next;
    },
    waitFor(n, timeoutMs = 5_000) {
      if (requests.length >= n) return Promise.resolve(requests.slice());
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (requests.length < n) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(requests.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`receiver got ${requests.length} of ${n} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
