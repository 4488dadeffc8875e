import { nowMs, sleep } from '../lib/clock.js';
import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { bracket, noiseNote, referenceOn, stealAgainst } from '../lib/reference.js';
import { joinNotes, metric } from '../lib/results.js';
import type { RssReport } from '../lib/rss-sampler.js';
import type { Scenario } from '../lib/scenario.js';
import { perSecond } from '../lib/stats.js';
import { describeSteal, startStealMeter } from '../lib/steal.js';

const EVENTS = 1_000_000;
const PRODUCER = { batchSize: 1_000, inFlight: 4 };
const REFERENCE_REQUESTS = 200_000;
const PUBLISH_TIMEOUT_MS = 420_000;
const DRAIN_TIMEOUT_MS = 600_000;
const MIB = 2 ** 20;

export const backlog: Scenario = {
  name: 'backlog',
  description: `${EVENTS.toLocaleString('en-US')} deliveries accumulated while the receiver is down (connection refused), then drained; gateway in its own process, RSS sampled every 100 ms; undici reference before and after`,
  budgetMs: 1_500_000,
  async run(ctx) {
    const receiver = await ReceiverProcess.start(ctx);
    // The reference before the gateway runs on a side port of the same receiver process (the webhook's is down).
    const [sidePort] = (await receiver.listen(1)) as [number];
    const before = await referenceOn(ctx, receiver, [sidePort], REFERENCE_REQUESTS, 300_000);
    const port = await receiver.reservePort();
    const gateway = await GatewayProcess.start(ctx, [{ endpoint: loopbackUrl(port) }], { exposeGc: true });

    const published = await gateway.publish({ count: EVENTS, ...PRODUCER }, PUBLISH_TIMEOUT_MS);
    const publishSeconds = (published.finishedAt - published.startedAt) / 1000;
    ctx.log(`published ${published.published} in ${publishSeconds.toFixed(1)} s`);
    const whileDown = { store: await gateway.storeStats(), engine: await gateway.engine() };
    ctx.log(`while down: ${JSON.stringify(whileDown)}`);
    // Peaks per phase: start and publishing, then waiting and draining.
    const publishingMemory = await gateway.memory();
    await gateway.resetPeak();

    await receiver.reset(EVENTS);
    await receiver.listenOn(port);
    const upAt = nowMs();
    // The drain window: from the receiver coming up (the breaker's backoff included) to the last delivery.
    const stealMeter = startStealMeter();
    await gateway.cpuTimeline();
    const cpuBefore = await gateway.cpuMicros();
    const received = await receiver.waitFor(EVENTS, DRAIN_TIMEOUT_MS, [port]);
    const steal = stealMeter.stop();
    const cpuMicros = (await gateway.cpuMicros()) - cpuBefore;
    const drainingMemory = await gateway.memory();
    const drainPerSecond = await receiver.timeline();
    const gatewayCpuPerSecond = await gateway.cpuTimeline();
    const drainRate = perSecond(received.unique, received.firstAt, received.lastAt);
    const firstDeliveryAfterUpS = received.firstAt === 0 ? null : (received.firstAt - upAt) / 1000;
    const storeAfter = await gateway.storeStats();
    const liveHeapAfterBytes = await gateway.liveHeap();
    await gateway.stop();
    await sleep(500);
    const peak: RssReport =
      publishingMemory.peakRssBytes >= drainingMemory.peakRssBytes ? publishingMemory : drainingMemory;
    ctx.log(
      `drained ${received.unique} in ${((received.lastAt - received.firstAt) / 1000).toFixed(1)} s = ${Math.round(drainRate ?? 0)}/s; first delivery ${firstDeliveryAfterUpS?.toFixed(1)} s after the receiver came up; peak RSS ${(peak.peakRssBytes / MIB).toFixed(0)} MiB; ${describeSteal(steal)}`,
    );

    const reference = bracket(before, await referenceOn(ctx, receiver, [port], REFERENCE_REQUESTS, 300_000));
    const note = received.timedOut
      ? `did not finish: ${received.unique} of ${EVENTS} drained`
      : joinNotes(noiseNote(reference), stealAgainst(steal, reference));
    return {
      metrics: [
        metric({
          metric: 'drain deliveries/s',
          unit: '/s',
          gateway: drainRate,
          reference: reference.rate,
          referenceName: 'undici.Pool alone',
          target: { on: 'ratio', op: '>=', value: 0.6 },
          note,
        }),
        metric({
          metric: 'CPU µs per delivery while draining (process)',
          unit: 'µs',
          gateway: received.unique > 0 ? cpuMicros / received.unique : null,
          reference: reference.after.clientCpuMicrosPerRequest,
          referenceName: 'undici client',
          note: stealAgainst(steal, reference.after),
        }),
        metric({
          // The "300 MB", in decimal megabytes; the note gives MiB.
          metric: 'peak gateway RSS (own process)',
          unit: 'MB',
          gateway: peak.peakRssBytes / 1e6,
          target: { on: 'gateway', op: '<=', value: 300 },
          note: `${(peak.peakRssBytes / MIB).toFixed(1)} MiB; peak while ${peak === publishingMemory ? 'publishing' : 'draining'}`,
        }),
        metric({ metric: 'first delivery after receiver up', unit: 's', gateway: firstDeliveryAfterUpS }),
        metric({
          metric: 'publish acknowledged/s (1,000 per batch)',
          unit: '/s',
          gateway: EVENTS / publishSeconds,
        }),
      ],
      details: {
        events: EVENTS,
        producer: PRODUCER,
        referenceRequests: REFERENCE_REQUESTS,
        publishSeconds,
        whileDown,
        received,
        steal,
        drainPerSecond,
        gatewayCpuPerSecond,
        memory: { publishing: publishingMemory, waitingAndDraining: drainingMemory, liveHeapAfterBytes },
        storeAfter,
        reference,
      },
    };
  },
};
