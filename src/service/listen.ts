import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { parseListen } from '../config/index.js';
import type { Logger } from '../log/logger.js';

/** Serves `fetch` on host:port; resolves once listening. */
export function listenOn(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting, lets requests in flight finish, and drops idle keep-alive sockets so close() returns. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** Serves the API on Gateway.Listen and logs its base URL (`gateway listening`, which tests wait for). */
export async function serveApi(
  fetch: (request: Request) => Response | Promise<Response>,
  listenSetting: string,
  logger: Logger,
): Promise<{ server: Server; url: string }> {
  const listen = parseListen(listenSetting);
  if (listen === null) throw new Error(`Invalid Listen address ${listenSetting}`);
  const server = await listenOn(fetch, listen.host, listen.port);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, 'gateway listening');
  return { server, url };
}
