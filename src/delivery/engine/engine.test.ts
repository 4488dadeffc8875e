import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { delivery, TARGET } from '../../../test/support/engine.js';
import { waitFor } from '../../../test/support/wait.js';
import { createLogger, silentLogger } from '../../log/logger.js';
import type { WebhookTarget } from '../../routing/router.js';
import type { AttemptOutcome, AttemptRequest } from '../transport/types.js';
import { DeliveryEngine, type DeliveryQueue, type DeliveryTransport, type EngineOptions } from './engine.js';
import type { ClaimedDelivery, ClaimResult, Outcome, RecordResult, ReleasedDelivery } from './ports.js';

/** A store whose claims and outcome commits are answered when the test says so, in call order. */
class ManualQueue implements DeliveryQueue {
  readonly claims: { limit: number; answer: (result: ClaimResult) => void }[] = [];
  readonly records: { outcomes: readonly Outcome[]; commit: () => void }[] = [];
  readonly released: ReleasedDelivery[] = [];
  claim(_webhookId: number, _now: number, limit: number): Promise<ClaimResult> {
    return new Promise((answer) => this.claims.push({ limit, answer }));
  }
  record(outcomes: readonly Outcome[]): Promise<RecordResult> {
    return new Promise((commit) => this.records.push({ outcomes, commit: () => commit({ failed: [] }) }));
  }
  /** Each call's limit; answers as if the store expired `expirable` rows, a batch at a time. */
  readonly expiries: number[] = [];
  expirable = 0;
  expirePaused(_now: number, limit: number): Promise<number> {
    this.expiries.push(limit);
    const count = Math.min(limit, this.expirable);
    this.expirable -= count;
    return Promise.resolve(count);
  }
  release(deliveries: readonly ReleasedDelivery[]): Promise<void> {
    this.released.push(...deliveries);
    return Promise.resolve();
  }
  recoverInFlight(): Promise<number> {
    return Promise.resolve(0);
  }
  /** Answers the oldest unanswered claim. */
  answer(deliveries: ClaimedDelivery[] = [], nextDueAt: number | null = null): void {
    const claim = this.claims.find((c) => c.limit >= 0);
    if (claim === undefined) throw new Error('no claim to answer');
    claim.answer({ deliveries, nextDueAt });
    claim.limit = -1;
  }
  get open(): number {
    return this.claims.filter((c) => c.limit >= 0).length;
  }
}

class RecordingTransport {
  readonly sent: AttemptRequest[] = [];
  constructor(private readonly status: number) {}
  async send(request: AttemptRequest): Promise<AttemptOutcome> {
    this.sent.push(request);
    const ok = this.status === 200;
    return {
      ok,
      statusCode: this.status,
      errorClass: ok ? null : 'http-status',
      errorMessage: ok ? null : `HTTP ${this.status}`,
      responseSnippet: null,
      durationMs: 1,
      retryAfterMs: null,
      retryable: true,
    };
  }
  async close(): Promise<void> {}
}

/** A transport whose attempts end with 200 when the test says so, oldest first. */
class ManualTransport {
  readonly open: ((outcome: AttemptOutcome) => void)[] = [];
  readonly sent: string[] = [];
  send(request: AttemptRequest): Promise<AttemptOutcome> {
    this.sent.push(String(request.body));
    return new Promise((answer) => this.open.push(answer));
  }
  answerOldest(extra: Partial<AttemptOutcome> = {}): void {
    this.open.shift()?.({
      ok: true,
      statusCode: 200,
      errorClass: null,
      errorMessage: null,
      responseSnippet: null,
      durationMs: 1,
      retryAfterMs: null,
      retryable: true,
      ...extra,
    });
  }
  async close(): Promise<void> {}
}

async function startEngine<T extends DeliveryTransport>(
  transport: T,
  options: Partial<EngineOptions> = {},
): Promise<{ engine: DeliveryEngine; queue: ManualQueue; transport: T }> {
  const queue = new ManualQueue();
  const engine = new DeliveryEngine({
    store: queue,
    router: { webhook: (id) => (id === 1 ? TARGET : undefined), webhookIds: () => [1] },
    transport,
    retryScheduleSeconds: [60],
    maxInFlightPerEndpoint: 16,
    logger: silentLogger(),
    ...options,
  });
  await engine.start();
  return { engine, queue, transport };
}

const started = (status = 200, retryScheduleSeconds: number[] = [60]) =>
  startEngine(new RecordingTransport(status), { retryScheduleSeconds });

/**
 * Leaves lane 1 with one delivery on its way to the store as pending: an unproven lane refuses the
 * 1,025th hand-off, and the 1,024 it took are then given back (their write failed, say).
 */
function leaveOnePending(engine: DeliveryEngine): void {
  const taken = Array.from({ length: 1024 }, () => engine.reserve(1));
  expect(engine.reserve(1)).toBe(false);
  engine.release(
    taken.map(() => 1),
    [],
  );
}

/** Lets answered promises run their continuations. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryEngine with an asynchronous store', () => {
  it('holds at most 1,024 hand-offs until its endpoint has answered 2xx', async () => {
    const { engine, queue } = await startEngine(new ManualTransport());
    queue.answer(); // the start-up claim: nothing waits
    await settle();
    expect(Array.from({ length: 1024 }, () => engine.reserve(1)).every(Boolean)).toBe(true);
    expect(engine.reserve(1)).toBe(false); // written pending: an unproven endpoint may hang or refuse
  });

  it('holds up to its byte budget once its endpoint answers 2xx', async () => {
    // Payloads of 7 bytes, one attempt at a time: two queued deliveries fill the budget.
    const { engine, queue, transport } = await startEngine(new ManualTransport(), {
      holdBudgetBytes: 14,
      maxInFlightPerEndpoint: 1,
    });
    queue.answer();
    await settle();
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(1)], []);
    transport.answerOldest(); // the endpoint answered: the lane is proven
    await settle();
    expect([engine.reserve(1), engine.reserve(1), engine.reserve(1)]).toEqual([true, true, true]);
    engine.admit([delivery(2), delivery(3), delivery(4)], []);
    expect(transport.sent).toEqual(['{"n":1}', '{"n":2}']); // one in flight, two held: 14 bytes
    expect(engine.reserve(1)).toBe(false); // the budget is spent
    transport.answerOldest();
    await waitFor(() => transport.sent.length === 3, 'the next held delivery sent'); // 7 bytes held now
    expect(engine.reserve(1)).toBe(true);
  });

  it('holds at most 1,024 hand-offs while its endpoint drops connections, though it answers 200', async () => {
    const { engine, queue, transport } = await startEngine(new ManualTransport());
    queue.answer();
    await settle();
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(1)], []);
    transport.answerOldest({ connectionDropped: true }); // a 200 whose body was cut off: the lane is paced
    await settle();
    expect(Array.from({ length: 1024 }, () => engine.reserve(1)).every(Boolean)).toBe(true);
    expect(engine.reserve(1)).toBe(false); // a paced lane drains slowly: written pending
  });

  it('holds hand-offs back until the deliveries waiting in the store before them are claimed', async () => {
    const { engine, queue, transport } = await startEngine(new ManualTransport());
    queue.answer();
    await settle();
    leaveOnePending(engine);
    expect(engine.reserve(1)).toBe(true);
    // One commit: the older pending delivery and the hand-off 9; then the hand-off 10 on its own.
    engine.admit([delivery(9)], [1]);
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(10)], []);
    await settle();
    expect(transport.sent).toEqual([]); // both held back: the store has something older
    expect(queue.open).toBe(1);
    queue.answer([delivery(5)]); // the older one; fewer than asked, nothing committed meanwhile
    await waitFor(() => transport.sent.length === 3, 'all three sent');
    expect(transport.sent).toEqual(['{"n":5}', '{"n":9}', '{"n":10}']);
  });

  it('keeps holding back while a delivery of the lane is on its way to the store as pending', async () => {
    const { engine, queue, transport } = await startEngine(new ManualTransport());
    expect(queue.open).toBe(1); // the start-up claim, not answered yet
    leaveOnePending(engine);
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(9)], []);
    queue.answer([]); // the claim found nothing, but the pending write has not landed
    await settle();
    expect(transport.sent).toEqual([]);
    expect(queue.open).toBe(0); // and it does not claim again until that write lands
    engine.admit([], [1]); // it lands: claimed, then the held-back one follows
    await settle();
    queue.answer([delivery(6)]);
    await waitFor(() => transport.sent.length === 2, 'both sent');
    expect(transport.sent).toEqual(['{"n":6}', '{"n":9}']);
  });

  it('holds back a hand-off committed while an older delivery is still on its way as pending', async () => {
    const { engine, queue, transport } = await startEngine(new ManualTransport());
    queue.answer(); // nothing waits in the store
    await settle();
    leaveOnePending(engine);
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(9)], []); // committed before the older pending one
    await settle();
    expect(transport.sent).toEqual([]);
    engine.admit([], [1]);
    await settle();
    queue.answer([delivery(6)]);
    await waitFor(() => transport.sent.length === 2, 'both sent');
    expect(transport.sent).toEqual(['{"n":6}', '{"n":9}']);
  });

  it('claims again when a commit lands while a claim is out, instead of going to sleep', async () => {
    const { engine, queue, transport } = await started();
    expect(queue.open).toBe(1);
    engine.admit([], [1]); // committed after the claim's read: the claim cannot have seen it
    queue.answer([]);
    await settle();
    expect(queue.open).toBe(1);
    queue.answer([delivery(3)]);
    await waitFor(() => transport.sent.length === 1, 'the claimed delivery sent');
    expect(transport.sent[0]?.body).toBe('{"n":3}');
  });

  it('sends handed-off deliveries without asking the store', async () => {
    const { engine, queue, transport } = await started();
    queue.answer();
    await settle();
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(9)], []);
    await waitFor(() => transport.sent.length === 1, 'the hand-off sent');
    expect(queue.claims).toHaveLength(1);
  });

  it('wakes a lane for a retry only once the store has committed the delivery as retrying', async () => {
    const { queue, transport } = await started(500, [0]);
    queue.answer([delivery(5)]);
    const record = await waitFor(() => queue.records[0], 'the failed attempt recorded');
    expect(record.outcomes).toMatchObject([{ deliveryId: 5, state: 'retrying', attemptCount: 1 }]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(queue.open).toBe(0); // a claim now could not see the row as retrying
    record.commit();
    await waitFor(() => queue.open === 1, 'a claim after the commit');
    expect(transport.sent).toHaveLength(1);
  });
});

describe('DeliveryEngine sharing a webhook with other instances', () => {
  it('hands back what it holds beyond its hold limit when its share shrinks, the deliveries due last', async () => {
    let places = 2;
    const { queue, transport } = await startEngine(new ManualTransport(), {
      placesOf: () => places,
      holdLimitOf: () => 4 * places,
    });
    queue.answer(Array.from({ length: 8 }, (_, i) => delivery(i + 1)));
    await settle();
    expect(transport.sent).toHaveLength(2);
    expect(queue.released).toEqual([]);
    // Another instance wants the webhook: this one's share falls to one place, so it may hold 4.
    places = 1;
    transport.answerOldest();
    await settle();
    expect(queue.released.map((d) => d.id)).toEqual([6, 7, 8]);
    expect(transport.sent).toHaveLength(2);
    // What it kept is sent in order, one at a time.
    transport.answerOldest();
    await settle();
    expect(transport.sent.map((body) => JSON.parse(body).n)).toEqual([1, 2, 3]);
  });
});

describe("DeliveryEngine and its endpoints' health and configuration", () => {
  /** A router over one webhook whose target the test edits, as a reload would. */
  const editable = () => {
    const holder: { target: WebhookTarget | undefined } = { target: { ...TARGET } };
    return {
      holder,
      router: { webhook: (id: number) => (id === 1 ? holder.target : undefined), webhookIds: () => [1] },
    };
  };

  it('opens the breaker after the threshold of consecutive failures and stops sending, saying so by WebhookId and origin', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    });
    const { queue, transport } = await startEngine(new RecordingTransport(500), {
      retryScheduleSeconds: [0],
      maxInFlightPerEndpoint: 1,
      breaker: { threshold: 3, baseOpenMs: 60_000, maxOpenMs: 60_000 },
      logger,
    });
    queue.answer([1, 2, 3, 4, 5].map(delivery));
    await waitFor(() => queue.released.length === 2, 'the rest handed back');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(transport.sent).toHaveLength(3);
    expect(queue.released.map((d) => d.id)).toEqual([4, 5]);
    const backingOff = lines.filter((l) => l.msg === 'endpoint keeps failing: backing off');
    expect(backingOff).toMatchObject([{ webhookId: TARGET.webhookId, origin: 'https://receiver.example' }]);
    expect(JSON.stringify(backingOff)).not.toContain('/hook');
  });

  it('wakes a lane when a reload enables its webhook', async () => {
    const { holder, router } = editable();
    holder.target = { ...TARGET, enabled: false };
    const { engine, queue } = await startEngine(new RecordingTransport(200), { router });
    await settle();
    expect(queue.claims).toHaveLength(0); // paused: nothing is claimed
    holder.target = { ...TARGET, enabled: true };
    engine.reconfigure([1]);
    await waitFor(() => queue.open === 1, 'a claim for the enabled webhook');
  });

  it("hands back what a paused webhook's lane holds, and lets the attempt in flight finish", async () => {
    const { holder, router } = editable();
    const { engine, queue, transport } = await startEngine(new ManualTransport(), {
      router,
      maxInFlightPerEndpoint: 1,
    });
    queue.answer([1, 2, 3].map(delivery));
    await waitFor(() => transport.open.length === 1, 'one attempt in flight');
    holder.target = { ...TARGET, enabled: false };
    engine.reconfigure([1]);
    expect(queue.released.map((d) => d.id)).toEqual([2, 3]);
    transport.answerOldest();
    const record = await waitFor(() => queue.records[0], 'the outcome of the attempt in flight');
    expect(record.outcomes).toMatchObject([{ deliveryId: 1, state: 'delivered' }]);
    await settle();
    expect(transport.sent).toHaveLength(1);
  });

  it("drops a deleted webhook's lane, handing back what it held, and hands back hand-offs committed after", async () => {
    const { holder, router } = editable();
    const { engine, queue, transport } = await startEngine(new ManualTransport(), {
      router,
      maxInFlightPerEndpoint: 1,
    });
    queue.answer([1, 2].map(delivery));
    await waitFor(() => transport.open.length === 1, 'one attempt in flight');
    expect(engine.reserve(1)).toBe(true); // a hand-off whose commit lands after the delete
    holder.target = undefined;
    engine.reconfigure([1]);
    expect(queue.released.map((d) => d.id)).toEqual([2]);
    engine.admit([delivery(9)], []);
    expect(queue.released.map((d) => d.id)).toEqual([2, 9]);
    // Once the hand-off promised before the delete has landed, the lane and what it held are gone.
    expect(engine.snapshot()).toEqual([]);
    transport.answerOldest();
    await waitFor(() => queue.records[0], 'the in-flight attempt still records its outcome');
  });

  it('expires paused deliveries past their TTL on a timer, batch after batch until none is left', async () => {
    const { queue } = await startEngine(new RecordingTransport(200), { expirePausedEveryMs: 20 });
    queue.expirable = 2500;
    await waitFor(() => queue.expirable === 0, 'every expirable delivery expired');
    expect(queue.expiries.slice(0, 3)).toEqual([1000, 1000, 1000]);
  });

  it('claims again after a whole batch it claimed had expired, instead of stranding what waits behind it', async () => {
    // A webhook resumed after its held events' TTL passed: the first claim is full of expired deliveries.
    const { queue, transport } = await started();
    const past = (id: number): ClaimedDelivery => ({ ...delivery(id), expiresAt: 1 });
    queue.answer(Array.from({ length: queue.claims[0]?.limit ?? 0 }, (_, i) => past(i + 1)));
    await settle();
    expect(queue.open).toBe(1);
    queue.answer([delivery(1000)]);
    await waitFor(() => transport.sent.length === 1, 'the delivery behind the expired batch sent');
  });

  it('hands back a claim answered after its webhook was paused', async () => {
    const { holder, router } = editable();
    const { engine, queue, transport } = await startEngine(new RecordingTransport(200), { router });
    holder.target = { ...TARGET, enabled: false };
    engine.reconfigure([1]);
    queue.answer([1, 2].map(delivery)); // the claim sent before the pause
    await settle();
    expect(queue.released.map((d) => d.id)).toEqual([1, 2]);
    expect(transport.sent).toHaveLength(0);
  });

  it("sends what is committed after its webhook was deleted and brought back, the lane's counts intact", async () => {
    const { holder, router } = editable();
    const { engine, queue, transport } = await startEngine(new RecordingTransport(200), { router });
    queue.answer();
    await settle();
    leaveOnePending(engine); // a delivery on its way to the store as pending when the delete comes
    holder.target = undefined;
    engine.reconfigure([1]);
    holder.target = { ...TARGET }; // the same WebhookId named again
    engine.reconfigure([1]);
    engine.admit([], [1]); // the pending one lands
    expect(engine.reserve(1)).toBe(true);
    engine.admit([delivery(9)], []); // held back behind the pending one, which is not claimed yet
    queue.answer([delivery(5)]);
    await waitFor(
      () => transport.sent.length === 1 && queue.open === 1,
      'the pending one sent, a claim again',
    );
    queue.answer(); // the store has nothing older
    await waitFor(() => transport.sent.length === 2, 'the held-back hand-off sent, not held for good');
  });

  it('forgets the breaker of the old endpoint when its webhook moves to another URL', async () => {
    const { holder, router } = editable();
    const { engine, queue, transport } = await startEngine(new RecordingTransport(500), {
      router,
      retryScheduleSeconds: [0],
      maxInFlightPerEndpoint: 1,
      breaker: { threshold: 2, baseOpenMs: 60_000, maxOpenMs: 60_000 },
    });
    queue.answer([1, 2, 3].map(delivery));
    await waitFor(() => engine.snapshot()[0]?.breaker === 'open', 'the breaker open');
    holder.target = { ...TARGET, endpoint: 'https://moved.example/hook' };
    engine.reconfigure([1]);
    expect(engine.snapshot()[0]?.breaker).toBe('closed');
    await waitFor(() => queue.open > 0, 'the lane claims for the new URL at once');
    expect(transport.sent).toHaveLength(2);
  });

  it('sends one request at a time to an endpoint whose answers make it drop the connection', async () => {
    let open = 0;
    let most = 0;
    const transport = {
      async send(): Promise<AttemptOutcome> {
        open++;
        most = Math.max(most, open);
        await new Promise((resolve) => setTimeout(resolve, 5));
        open--;
        return {
          ok: true,
          statusCode: 200,
          errorClass: null,
          errorMessage: null,
          responseSnippet: null,
          durationMs: 5,
          retryAfterMs: null,
          retryable: true,
          connectionDropped: true,
        };
      },
      async close() {},
    };
    const { engine, queue } = await startEngine(transport);
    queue.answer([delivery(1)]); // its answer tells the engine the endpoint drops connections
    await new Promise((resolve) => setTimeout(resolve, 30));
    most = 0;
    engine.wake([1]);
    await waitFor(() => queue.open === 1, 'a claim');
    queue.answer([2, 3, 4, 5, 6].map(delivery));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(most).toBe(1);
  });

  it('paces a lane by the answers of its current Endpoint, not by one still in flight to the old', async () => {
    const { holder, router } = editable();
    const { engine, queue, transport } = await startEngine(new ManualTransport(), { router });
    queue.answer([delivery(1), delivery(2)]);
    await waitFor(() => transport.open.length === 2, 'both sent');
    transport.answerOldest({ connectionDropped: true });
    await settle();
    expect(engine.pacedLanes()).toBe(1);
    holder.target = { ...TARGET, endpoint: 'https://moved.example/hook' };
    engine.reconfigure([1]);
    expect(engine.pacedLanes()).toBe(0); // a new Endpoint is not judged by the old one's answers
    transport.answerOldest({ connectionDropped: true }); // the old Endpoint's second answer, late
    await settle();
    expect(engine.pacedLanes()).toBe(0);
  });
});
