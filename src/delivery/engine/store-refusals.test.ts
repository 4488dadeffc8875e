import { describe, expect, it } from 'vitest';
import { delivery, TARGET } from '../../../test/support/engine.js';
import { waitFor } from '../../../test/support/wait.js';
import { silentLogger } from '../../log/logger.js';
import type { AttemptOutcome } from '../transport/types.js';
import { DeliveryEngine } from './engine.js';
import type {
  ClaimedDelivery,
  ClaimResult,
  DeliveryQueue,
  Outcome,
  RecordResult,
  ReleasedDelivery,
} from './ports.js';

const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

/** A store that hands out `waiting` once, and refuses the first `refusals` writes of each kind. */
class RefusingStore implements DeliveryQueue {
  readonly recorded: Outcome[] = [];
  readonly released: ReleasedDelivery[] = [];
  recordCalls = 0;
  releaseCalls = 0;
  constructor(
    private waiting: ClaimedDelivery[],
    private readonly refusals: { record: number; release: number; rowByRow?: boolean },
  ) {}
  async claim(_webhookId: number, _now: number, limit: number): Promise<ClaimResult> {
    const deliveries = this.waiting.splice(0, limit);
    return { deliveries, nextDueAt: null };
  }
  async record(outcomes: readonly Outcome[]): Promise<RecordResult> {
    this.recordCalls++;
    if (this.recordCalls <= this.refusals.record) {
      if (this.refusals.rowByRow)
        return {
          failed: outcomes.map((o) => ({ deliveryId: o.deliveryId, message: 'full', retryable: true })),
        };
      throw full();
    }
    this.recorded.push(...outcomes);
    return { failed: [] };
  }
  async release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    this.releaseCalls++;
    if (this.releaseCalls <= this.refusals.release) throw full();
    this.released.push(...deliveries);
  }
  async recoverInFlight(): Promise<number> {
    return 0;
  }
  async expirePaused(): Promise<number> {
    return 0;
  }
}

function transport(status: number) {
  return {
    async send(): Promise<AttemptOutcome> {
      const ok = status === 200;
      return {
        ok,
        statusCode: status,
        errorClass: ok ? null : 'http-status',
        errorMessage: ok ? null : `HTTP ${status}`,
        responseSnippet: null,
        durationMs: 1,
        retryAfterMs: null,
        retryable: true,
      };
    },
    async close() {},
  };
}

async function engineOn(store: RefusingStore, status: number): Promise<DeliveryEngine> {
  const engine = new DeliveryEngine({
    store,
    router: { webhook: (id) => (id === 1 ? TARGET : undefined), webhookIds: () => [1] },
    transport: transport(status),
    retryScheduleSeconds: [60],
    maxInFlightPerEndpoint: 1,
    logger: silentLogger(),
  });
  await engine.start();
  return engine;
}

describe('DeliveryEngine when the store refuses writes', () => {
  for (const how of ['rejects the batch', 'refuses every row'] as const) {
    it(`keeps outcomes the store ${how === 'rejects the batch' ? 'rejects' : 'refuses row by row'} and writes them again until it takes them`, async () => {
      const store = new RefusingStore([delivery(1), delivery(2)], {
        record: 2,
        release: 0,
        rowByRow: how === 'refuses every row',
      });
      const engine = await engineOn(store, 200);
      await waitFor(() => store.recorded.length === 2, 'both outcomes recorded', 10_000);
      expect(store.recordCalls).toBeGreaterThan(2);
      expect(store.recorded.map((o) => [o.deliveryId, o.state])).toEqual([
        [1, 'delivered'],
        [2, 'delivered'],
      ]);
      await engine.stop(0);
    });
  }

  it('keeps releases the store refuses and writes them again', async () => {
    // Five failures open the breaker: the lane hands what it holds back to the store.
    const store = new RefusingStore(
      Array.from({ length: 10 }, (_, i) => delivery(i + 1)),
      { record: 0, release: 1 },
    );
    const engine = await engineOn(store, 500);
    await waitFor(() => store.released.length > 0, 'the release written on a later try', 10_000);
    expect(store.releaseCalls).toBeGreaterThan(1);
    expect(store.released.map((d) => d.id)).toEqual([6, 7, 8, 9, 10]);
    await engine.stop(0);
  });
});
