import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import type { DeliveryTransport } from '../../src/delivery/engine/engine.js';
import { type RunningGateway, startGateway } from '../../src/service/gateway.js';
import { tempDir } from './gateway.js';

// The example's endpoint is not reachable from a test: deliveries are held here, never sent.
const heldTransport: DeliveryTransport = { send: () => new Promise(() => {}), close: async () => {} };

export interface ExampleGateway {
  gateway: RunningGateway;
  /** The gateway's temp folder (its database is there); removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** The gateway as `npm start` runs it, on config.example.json, with a database in a temp folder. */
export async function startExampleGateway(): Promise<ExampleGateway> {
  const dir = tempDir();
  const { config } = loadConfig({
    env: { GATEWAY_DATABASE: join(dir, 'gateway.db'), GATEWAY_LISTEN: '127.0.0.1:0' },
  });
  const gateway = await startGateway({ config, transport: heldTransport, shutdownGraceMs: 0 });
  return {
    gateway,
    dir,
    async stop() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
