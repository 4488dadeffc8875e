import { BENCH_TOKEN } from '../lib/bench-events.js';
import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import type { ClosedLoopResult } from '../lib/producer.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { bracket, noiseNote, referenceOn, stealAgainst } from '../lib/reference.js';
import { joinNotes, metric } from '../lib/results.js';
import type { Scenario } from '../lib/scenario.js';
import { spawnRole } from '../lib/spawn-role.js';
import { perSecond } from '../lib/stats.js';
import { describeSteal, startStealMeter } from '../lib/steal.js';
import { WARM_UP_DELIVERIES, warmUp } from '../lib/warm-up.js';
import { cpuMetric, PRODUCER, THROUGHPUT_EVENTS, TIMEOUT_MS } from './throughput.js';

export const ingest: Scenario = {
  name: 'ingest',
  description: `1 webhook, ${THROUGHPUT_EVENTS} events POSTed to /v1/events by a separate process (RemotePublisher.publishBatch of ${PRODUCER.batchSize}, ${PRODUCER.inFlight} in flight) vs undici alone, measured again here before and after`,
  budgetMs: 420_000,
  async run(ctx) {
    const receiver = await ReceiverProcess.start(ctx);
    const [port] = (await receiver.listen(1)) as [number];
    const before = await referenceOn(ctx, receiver, [port], THROUGHPUT_EVENTS, TIMEOUT_MS);

    const gateway = await GatewayProcess.start(ctx, [{ endpoint: loopbackUrl(port) }], { http: true });
    const producer = await spawnRole(ctx, 'ingest');
    const publish = (count: number) =>
      producer.call<ClosedLoopResult>(
        'publish',
        { url: gateway.url, token: BENCH_TOKEN, count, ...PRODUCER },
        TIMEOUT_MS,
      );
    await warmUp([{ receiver, ports: [port] }], WARM_UP_DELIVERIES, () => publish(WARM_UP_DELIVERIES));
    await receiver.reset(THROUGHPUT_EVENTS);
    const cpuBefore = await gateway.cpuMicros();
    const receipts = receiver.waitFor(THROUGHPUT_EVENTS, TIMEOUT_MS);
    const stealMeter = startStealMeter();
    const published = await publish(THROUGHPUT_EVENTS);
    const received = await receipts;
    const steal = stealMeter.stop();
    const cpuPerDelivery =
      received.unique > 0 ? ((await gateway.cpuMicros()) - cpuBefore) / received.unique : null;
    const end = received.lastAt || published.finishedAt;
    const rate = perSecond(received.unique, published.startedAt, end);
    const publishRate = perSecond(published.published, published.startedAt, published.finishedAt);
    const peakRssMb = (await gateway.memory()).peakRssBytes / 2 ** 20;
    const store = await gateway.storeStats();
    const timeline = await receiver.timeline();
    ctx.log(
      `gateway over HTTP: ${received.unique} delivered = ${Math.round(rate ?? 0)}/s; ${describeSteal(steal)}`,
    );
    await gateway.stop();

    const after = await referenceOn(ctx, receiver, [port], THROUGHPUT_EVENTS, TIMEOUT_MS);
    const reference = bracket(before, after);
    const note = received.timedOut
      ? `did not finish: ${received.unique} delivered`
      : joinNotes(noiseNote(reference), stealAgainst(steal, reference));
    return {
      metrics: [
        metric({
          metric: 'deliveries/s, ingest over HTTP',
          unit: '/s',
          gateway: received.timedOut ? null : rate,
          reference: reference.rate,
          referenceName: 'undici.Pool alone',
          note,
        }),
        cpuMetric(cpuPerDelivery, steal, after),
        metric({ metric: 'POST /v1/events accepted/s', unit: '/s', gateway: publishRate }),
      ],
      details: {
        events: THROUGHPUT_EVENTS,
        producer: { ...PRODUCER, process: 'separate, RemotePublisher' },
        referenceMeasured: 'again in this scenario, before and after the gateway (averaged)',
        gateway: {
          rate,
          publishRate,
          received,
          cpuPerDelivery,
          peakRssMb,
          store,
          perSecond: timeline,
          steal,
        },
        reference,
      },
    };
  },
};
