import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import { ReceiverProcess, waitForAll } from '../lib/receivers.js';
import { bracket, measureReference, noiseNote, receiverCpu, stealAgainst } from '../lib/reference.js';
import { joinNotes, metric } from '../lib/results.js';
import type { Scenario } from '../lib/scenario.js';
import { perSecond } from '../lib/stats.js';
import { describeSteal, startStealMeter } from '../lib/steal.js';
import { warmUp, warmUpPerPort } from '../lib/warm-up.js';
import { cpuMetric, PRODUCER } from './throughput.js';

const EVENTS = 500;
const RECEIVER_PROCESSES = 2;
const ENDPOINTS_PER_PROCESS = 50;
const TIMEOUT_MS = 120_000;

export const fanout: Scenario = {
  name: 'fanout',
  description: `${EVENTS} events each matched to ${RECEIVER_PROCESSES * ENDPOINTS_PER_PROCESS} webhooks (distinct loopback ports over ${RECEIVER_PROCESSES} receiver processes) vs undici alone (before and after, averaged); each process warmed up first`,
  budgetMs: 360_000,
  async run(ctx) {
    const receivers = await Promise.all(
      Array.from({ length: RECEIVER_PROCESSES }, (_, i) => ReceiverProcess.start(ctx, `receiver-${i + 1}`)),
    );
    const groups = await Promise.all(
      receivers.map(async (receiver) => ({ receiver, ports: await receiver.listen(ENDPOINTS_PER_PROCESS) })),
    );
    const endpoints = groups.flatMap((g) => g.ports.map((p) => loopbackUrl(p)));
    const total = EVENTS * endpoints.length;

    const before = await measureReference(ctx, groups, EVENTS, TIMEOUT_MS);

    const gateway = await GatewayProcess.start(
      ctx,
      endpoints.map((endpoint) => ({ endpoint })),
    );
    const warm = warmUpPerPort(endpoints.length);
    await warmUp(groups, warm, () => gateway.publish({ count: warm, ...PRODUCER }, TIMEOUT_MS));
    await Promise.all(receivers.map((r) => r.reset(EVENTS)));
    const cpuBefore = { gateway: await gateway.cpuMicros(), receivers: await receiverCpu(groups) };
    const receipts = waitForAll(
      groups.map((g) => ({ ...g, target: EVENTS * g.ports.length })),
      TIMEOUT_MS,
    );
    const stealMeter = startStealMeter();
    const published = await gateway.publish({ count: EVENTS, ...PRODUCER }, TIMEOUT_MS);
    const received = await receipts;
    const steal = stealMeter.stop();
    const perDelivery = (micros: number) => (received.unique > 0 ? micros / received.unique : null);
    const cpu = {
      gatewayMicrosPerDelivery: perDelivery((await gateway.cpuMicros()) - cpuBefore.gateway),
      receiversMicrosPerDelivery: perDelivery((await receiverCpu(groups)) - cpuBefore.receivers),
    };
    const rate = perSecond(received.unique, published.startedAt, received.lastAt || published.finishedAt);
    const peakRssMb = (await gateway.memory()).peakRssBytes / 2 ** 20;
    const store = await gateway.storeStats();
    ctx.log(
      `gateway: ${received.unique} of ${total} deliveries = ${Math.round(rate ?? 0)}/s; ${describeSteal(steal)}`,
    );
    await gateway.stop();

    const after = await measureReference(ctx, groups, EVENTS, TIMEOUT_MS);
    const reference = bracket(before, after);
    const note = received.timedOut
      ? `did not finish: ${received.unique} of ${total}`
      : joinNotes(noiseNote(reference), stealAgainst(steal, reference));
    return {
      metrics: [
        metric({
          metric: `deliveries/s to ${endpoints.length} endpoints`,
          unit: '/s',
          gateway: received.timedOut ? null : rate,
          reference: reference.rate,
          referenceName: 'undici.Pool per endpoint',
          target: { on: 'ratio', op: '>=', value: 0.6 },
          note,
        }),
        cpuMetric(cpu.gatewayMicrosPerDelivery, steal, after),
      ],
      details: {
        events: EVENTS,
        endpoints: endpoints.length,
        deliveries: total,
        gateway: { rate, received, cpu, peakRssMb, store, steal },
        reference,
      },
    };
  },
};
