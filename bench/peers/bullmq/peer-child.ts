import { type ConnectionOptions, Queue } from 'bullmq';
import type { GatewayEvent } from '../../../src/catalogue/index.js';
import { serveCommands } from '../../lib/ipc-serve.js';
import {
  type ClosedLoopOptions,
  type OpenLoopOptions,
  publishClosedLoop,
  publishOpenLoop,
} from '../../lib/producer.js';
import { JOB_OPTIONS, QUEUE_NAME, startDeliveryWorker } from './delivery-worker.js';

/**
 * The BullMQ peer in one process, like the gateway child: a producer adding jobs (the peer's "publish")
 * and a worker delivering them, on the bench's own Redis.
 */
let queue: Queue | null = null;
let worker: { close(): Promise<void> } | null = null;

function running(): Queue {
  if (queue === null) throw new Error('the peer is not started');
  return queue;
}

serveCommands(
  {
    start: async (args: { redisPort: number; endpoint: string; concurrency: number }) => {
      // Workers block on Redis: BullMQ requires maxRetriesPerRequest null on their connections.
      const connection: ConnectionOptions = {
        host: '127.0.0.1',
        port: args.redisPort,
        maxRetriesPerRequest: null,
      };
      queue = new Queue(QUEUE_NAME, { connection, defaultJobOptions: JOB_OPTIONS });
      const started = startDeliveryWorker(connection, args.endpoint, args.concurrency);
      worker = started;
      await Promise.all([queue.waitUntilReady(), started.worker.waitUntilReady()]);
      return null;
    },
    publish: (args: ClosedLoopOptions) =>
      publishClosedLoop(
        (events: GatewayEvent[]) => running().addBulk(events.map((data) => ({ name: data.EventType, data }))),
        args,
      ),
    openLoop: (args: OpenLoopOptions) =>
      publishOpenLoop((event: GatewayEvent) => running().add(event.EventType, event), args),
  },
  async () => {
    await worker?.close();
    await queue?.close();
  },
);
