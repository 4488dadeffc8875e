import { loopbackUrl } from '../lib/gateway-config.js';
import type { ClosedLoopResult, OpenLoopOptions, OpenLoopResult } from '../lib/producer.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { metric } from '../lib/results.js';
import { PER_ENDPOINT, type Scenario } from '../lib/scenario.js';
import { spawnRole } from '../lib/spawn-role.js';
import { perSecond } from '../lib/stats.js';
import { describeSteal, startStealMeter, stealNote } from '../lib/steal.js';
import { WARM_UP_DELIVERIES, warmUp } from '../lib/warm-up.js';
import { JOB_OPTIONS } from '../peers/bullmq/delivery-worker.js';
import { REDIS_DURABILITY, startRedis } from '../peers/redis-server.js';
import { gatewayLatency, type LatencyMeasure, measureLatency } from './latency.js';
import { type DeliveryMeasure, gatewayThroughput, PRODUCER, THROUGHPUT_EVENTS } from './throughput.js';

const TIMEOUT_MS = 300_000;

export const peer: Scenario = {
  name: 'peer',
  description: `BullMQ 5 on Redis (worker concurrency ${PER_ENDPOINT}, undici, attempts 7, exponential backoff): throughput and latency as above`,
  budgetMs: 720_000,
  async run(ctx) {
    const redisPort = await startRedis(ctx.scope);
    const receiver = await ReceiverProcess.start(ctx);
    const [port] = (await receiver.listen(1)) as [number];
    const endpoint = loopbackUrl(port);

    // The gateway's figures of this same invocation when those scenarios ran; otherwise measured here.
    const previousThroughput = ctx.previous.get('throughput');
    const previousLatency = ctx.previous.get('latency');
    const gatewayTp =
      previousThroughput?.status === 'ok'
        ? (previousThroughput.details.gateway as DeliveryMeasure)
        : await gatewayThroughput(ctx, receiver, port);
    const gatewayLat =
      previousLatency?.status === 'ok'
        ? (previousLatency.details.gateway as LatencyMeasure)
        : await gatewayLatency(ctx, receiver, endpoint);
    const gatewaySource = {
      throughput: previousThroughput?.status === 'ok' ? 'throughput scenario of this run' : 'measured here',
      latency: previousLatency?.status === 'ok' ? 'latency scenario of this run' : 'measured here',
    };

    const child = await spawnRole(ctx, 'peer');
    await child.call('start', { redisPort, endpoint, concurrency: PER_ENDPOINT }, 30_000);
    const publish = (count: number) =>
      child.call<ClosedLoopResult>('publish', { count, ...PRODUCER }, TIMEOUT_MS);
    await warmUp([{ receiver, ports: [port] }], WARM_UP_DELIVERIES, () => publish(WARM_UP_DELIVERIES));
    await receiver.reset(THROUGHPUT_EVENTS);
    const receipts = receiver.waitFor(THROUGHPUT_EVENTS, TIMEOUT_MS);
    const stealMeter = startStealMeter();
    const published = await publish(THROUGHPUT_EVENTS);
    const received = await receipts;
    const steal = stealMeter.stop();
    const peerRate = received.timedOut
      ? null
      : perSecond(received.unique, published.startedAt, received.lastAt || published.finishedAt);
    ctx.log(
      `BullMQ: ${received.unique} of ${THROUGHPUT_EVENTS} delivered = ${Math.round(peerRate ?? 0)}/s; ${describeSteal(steal)}`,
    );

    const peerLat = await measureLatency(
      ctx,
      {
        openLoop: (o: OpenLoopOptions, t: number) => child.call<OpenLoopResult>('openLoop', o, t),
        clock: () => child.call<number>('clock'),
      },
      receiver,
    );
    const peerP99 = peerLat.timedOut ? null : peerLat.latency.p99;
    return {
      metrics: [
        metric({
          metric: 'deliveries/s',
          unit: '/s',
          gateway: gatewayTp.timedOut ? null : gatewayTp.rate,
          reference: peerRate,
          referenceName: 'BullMQ peer',
          target: { on: 'ratio', op: '>', value: 1 },
          note: stealNote([gatewayTp.steal], [steal], {
            gateway: "the gateway's run",
            reference: "BullMQ's",
          }),
        }),
        metric({
          metric: 'p99 publish-to-receipt',
          unit: 'ms',
          gateway: gatewayLat.timedOut ? null : gatewayLat.latency.p99,
          reference: peerP99,
          referenceName: 'BullMQ peer',
          target: { on: 'ratio', op: '<', value: 1 },
          note: stealNote([gatewayLat.steal], [peerLat.steal], {
            gateway: "the gateway's latency run",
            reference: "BullMQ's",
          }),
        }),
        metric({
          metric: 'p50 publish-to-receipt',
          unit: 'ms',
          gateway: gatewayLat.latency.p50,
          reference: peerLat.latency.p50,
          referenceName: 'BullMQ peer',
        }),
      ],
      details: {
        durability: {
          gateway: 'SQLite WAL, synchronous=FULL on every commit of accepted events',
          peer: REDIS_DURABILITY,
        },
        jobOptions: JOB_OPTIONS,
        gatewaySource,
        gateway: { throughput: gatewayTp, latency: gatewayLat },
        peer: {
          throughput: {
            rate: peerRate,
            received,
            steal,
            publishRate: perSecond(published.published, published.startedAt, published.finishedAt),
          },
          latency: peerLat,
        },
      },
    };
  },
};
