import { type ConnectionOptions, type Job, Worker } from 'bullmq';
import { Pool } from 'undici';
import type { GatewayEvent } from '../../../src/catalogue/index.js';

export const QUEUE_NAME = 'webhook-deliveries';

/** Retries as the issue describes the do-it-yourself peer: 7 attempts, BullMQ's exponential backoff. */
export const JOB_OPTIONS = {
  attempts: 7,
  backoff: { type: 'exponential', delay: 1_000 },
  // Finished jobs are dropped, failed ones kept: the usual choice; the gateway keeps every attempt.
  removeOnComplete: true,
  removeOnFail: false,
};

/**
 * What a Node team would write instead of the gateway: jobs hold the event, a BullMQ worker POSTs it
 * with undici (one pool of `concurrency` connections), and anything but 200 throws so BullMQ retries it
 * with its exponential backoff (the queue's job options: attempts 7).
 */
export function startDeliveryWorker(
  connection: ConnectionOptions,
  endpoint: string,
  concurrency: number,
): { worker: Worker; close(): Promise<void> } {
  const url = new URL(endpoint);
  const pool = new Pool(url.origin, { connections: concurrency, pipelining: 1 });
  const deliver = async (job: Job<GatewayEvent>) => {
    const response = await pool.request({
      method: 'POST',
      path: `${url.pathname}${url.search}`,
      headers: { 'X-Benemen-Event': job.data.EventType, 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify(job.data),
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`receiver answered ${response.statusCode}`);
  };
  const worker = new Worker<GatewayEvent>(QUEUE_NAME, deliver, { connection, concurrency });
  return {
    worker,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}
