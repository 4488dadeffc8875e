import { randomUUID } from 'node:crypto';
import type { Logger } from '../../log/logger.js';
import type { RecoveryJob } from '../../store/support/jobs.js';
import type { RecoverySelection } from '../../store/support/requeue.js';
import type { JobRun, JobStore } from './support-store.js';

/**
 * Deliveries a job re-queues at a time; the next batch waits until fewer than this are due or being
 * attempted for the webhook (fresh traffic included, so a busy endpoint's new deliveries go first).
 */
export const RECOVERY_BATCH = 100;
/** How often a paced job looks again whether its webhook has drained its batch. */
const PACE_MS = 50;

export interface RecoveryJobsDeps {
  store: JobStore;
  /** True while the webhook exists (paused or not): a deleted one's job fails. */
  webhookExists: (webhookRowId: number) => boolean;
  /** The webhook's lane claims what a batch made due. */
  wake: (webhookRowId: number) => void;
  logger: Logger;
  batch?: number;
  now?: () => number;
}

/**
 * Recovery jobs: each re-queues its selection a batch at a time, and re-queues the next only once fewer
 * than a batch are due or in flight for the webhook, so fresh deliveries never queue behind more than one
 * batch and the
 * recovery runs at the pace the endpoint drains it. A job's cursor is stored with each batch: one left
 * running when the process stopped (even by SIGKILL) is resumed by the next start where it was. A job
 * runs only while this process holds it (store.takeJob): on a store several instances share, one at a
 * time runs it, and the others take it over from its cursor when that one stops or dies.
 */
export class RecoveryJobs {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;
  private resuming: Promise<void> | null = null;
  private poll: NodeJS.Timeout | null = null;
  private readonly batch: number;
  private readonly now: () => number;

  constructor(private readonly deps: RecoveryJobsDeps) {
    this.batch = deps.batch ?? RECOVERY_BATCH;
    this.now = deps.now ?? Date.now;
  }

  /** Resumes the running jobs nobody runs: those the last process left, or another instance's that stopped. */
  async resume(): Promise<void> {
    for (const job of await this.deps.store.runningJobs()) {
      if (this.stopped || this.running.has(job.id)) continue;
      const held = await this.deps.store.takeJob(job.id);
      if (held === null) continue;
      this.deps.logger.info({ jobId: job.id, done: job.done, total: job.total }, 'recovery job resumed');
      this.run(job, held);
    }
  }

  /**
   * Looks again every `everyMs` for running jobs nobody runs (on a store several instances share: the
   * jobs of an instance that stopped or died are taken over by the first instance to look).
   */
  watch(everyMs: number): void {
    this.poll = setInterval(() => this.resumeInBackground(), everyMs);
    this.poll.unref();
  }

  /** resume(), unless one runs; stop() waits for it. */
  resumeInBackground(): void {
    if (this.resuming !== null || this.stopped) return;
    this.resuming = this.resume()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'could not resume recovery jobs'))
      .finally(() => {
        this.resuming = null;
      });
  }

  /** Starts a job; a job of the webhook already running is answered as `running` instead (not started twice). */
  async start(
    selection: RecoverySelection,
    total: number,
    createdBy: string,
  ): Promise<{ job: RecoveryJob; started: boolean }> {
    const id = randomUUID();
    const job = await this.deps.store.startJob({ id, selection, total, createdBy, now: this.now() });
    if (job.id !== id) return { job, started: false };
    // Nobody else knows of the job yet; if another instance's resume took it first, that one runs it.
    const held = await this.deps.store.takeJob(id);
    if (held !== null) this.run(job, held);
    return { job, started: true };
  }

  /** Cancels a running job: the batch in progress (one transaction) completes or never happened. */
  async cancel(id: string): Promise<boolean> {
    return this.deps.store.endJob(id, 'cancelled', null, this.now());
  }

  /** Stops running jobs between batches; they stay running in the store, for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll !== null) clearInterval(this.poll);
    await this.resuming;
    await Promise.allSettled([...this.running.values()]);
  }

  private run(job: RecoveryJob, held: JobRun): void {
    if (this.running.has(job.id)) {
      void held.release();
      return;
    }
    const work = this.loop(job, held)
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error, jobId: job.id }, 'recovery job failed');
        const message = error instanceof Error ? error.message : String(error);
        return this.deps.store.endJob(job.id, 'failed', message, this.now()).then(() => {});
      })
      .catch(() => {})
      .finally(() => held.release().catch(() => {}))
      .finally(() => this.running.delete(job.id));
    this.running.set(job.id, work);
  }

  private async loop(job: RecoveryJob, held: JobRun): Promise<void> {
    const webhook = job.webhookRowId;
    while (!this.stopped) {
      if (!this.deps.webhookExists(webhook)) {
        await this.deps.store.endJob(job.id, 'failed', 'the webhook was deleted', this.now());
        return;
      }
      if ((await this.deps.store.busyUpTo(webhook, this.batch)) >= this.batch) {
        if ((await this.deps.store.getJob(job.id))?.state !== 'running') return;
        await sleep(PACE_MS);
        continue;
      }
      const requeued = await held.batch(this.batch, this.now());
      if (requeued === null) return;
      if (requeued === 0) {
        await this.deps.store.endJob(job.id, 'done', null, this.now());
        return;
      }
      this.deps.wake(webhook);
      // Lets the lane claim and the producers' requests in before the next batch.
      await sleep(0);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
