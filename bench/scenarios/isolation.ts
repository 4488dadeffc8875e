import { type BenchWebhook, loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { metric } from '../lib/results.js';
import type { Scenario, ScenarioContext } from '../lib/scenario.js';
import { median, perSecond } from '../lib/stats.js';
import { describeSteal, type StealReport, startStealMeter, stealNote } from '../lib/steal.js';
import { PRODUCER } from './throughput.js';

const EVENTS = 5_000;
const HEALTHY = 10;
/** A B B A, twice: drift weighs on both variants alike, and medians damp one-off noise. */
const ORDER = ['healthy-only', 'with-dead', 'with-dead', 'healthy-only'] as const;
/** Hostile receivers, each run once per repeat beside the healthy ones: an endless 200 body, 10,000 headers. */
const HOSTILE = ['with-endless-body', 'with-many-headers'] as const;
const REPEATS = 2;
const TIMEOUT_MS = 180_000;

interface VariantMeasure {
  /** Healthy deliveries per second, from the first publish until the healthy receivers had them all. */
  rate: number | null;
  delivered: number;
  timedOut: boolean;
  seconds: number;
  /** Gateway process CPU (its in-process producer included) per healthy delivery, µs. */
  cpuMicrosPerDelivery: number | null;
  /** When each healthy webhook had all its events, s after the first publish, in port order. */
  healthyDoneSeconds: number[];
  /** Each healthy webhook's longest pause between two receipts, s, in port order. */
  healthyMaxPauseSeconds: number[];
  /** The machine's CPU steal from the first publish until the healthy receivers had them all. */
  steal: StealReport;
}

/** One fresh gateway with the given webhooks; only the healthy ports are waited for. */
async function variant(
  ctx: ScenarioContext,
  label: string,
  receiver: ReceiverProcess,
  healthyPorts: number[],
  webhooks: BenchWebhook[],
): Promise<VariantMeasure> {
  const gateway = await GatewayProcess.start(ctx, webhooks, { label: `gateway-${label}` });
  await receiver.reset(EVENTS);
  const target = EVENTS * healthyPorts.length;
  const cpuBefore = await gateway.cpuMicros();
  const receipts = receiver.waitFor(target, TIMEOUT_MS, healthyPorts);
  const stealMeter = startStealMeter();
  const published = await gateway.publish({ count: EVENTS, ...PRODUCER }, TIMEOUT_MS);
  const received = await receipts;
  const steal = stealMeter.stop();
  const cpuMicros = (await gateway.cpuMicros()) - cpuBefore;
  await gateway.stop();
  const end = received.lastAt || published.finishedAt;
  const perPort = await receiver.perPort();
  const healthy = healthyPorts.map((port) => perPort.find((p) => p.port === port));
  const done = healthy.map((p) => (p === undefined ? Number.NaN : (p.lastAt - published.startedAt) / 1000));
  const pauses = healthy.map((p) => (p === undefined ? Number.NaN : p.maxGapMs / 1000));
  const rate = perSecond(received.unique, published.startedAt, end);
  ctx.log(
    `${label}: ${received.unique} of ${target} healthy deliveries = ${Math.round(rate ?? 0)}/s, ${Math.round(cpuMicros / Math.max(1, received.unique))} µs CPU each; ${describeSteal(steal)}`,
  );
  return {
    rate,
    delivered: received.unique,
    timedOut: received.timedOut,
    seconds: (end - published.startedAt) / 1000,
    cpuMicrosPerDelivery: received.unique > 0 ? cpuMicros / received.unique : null,
    healthyDoneSeconds: done,
    healthyMaxPauseSeconds: pauses,
    steal,
  };
}

/** Median rate of runs that all finished; null if any did not. */
function medianRate(runs: readonly VariantMeasure[]): number | null {
  if (runs.some((r) => r.timedOut || r.rate === null)) return null;
  return median(runs.map((r) => r.rate as number));
}

export const isolation: Scenario = {
  name: 'isolation',
  description: `${HEALTHY} healthy webhooks, ${EVENTS} events each, with and without an 11th whose receiver never answers (TimeoutSeconds 5); ${REPEATS * ORDER.length} runs in A B B A order, medians; then ${REPEATS} runs each beside a hostile 11th (an endless 200 body, 10,000 response headers)`,
  budgetMs: 1_080_000,
  async run(ctx) {
    const receiver = await ReceiverProcess.start(ctx);
    const healthyPorts = await receiver.listen(HEALTHY);
    const [deadPort] = (await receiver.listen(1)) as [number];
    const healthy = healthyPorts.map((p) => ({ endpoint: loopbackUrl(p), timeoutSeconds: 5 }));
    const dead = { endpoint: loopbackUrl(deadPort, '/hang'), timeoutSeconds: 5 };
    // The same dead path, but on the origin of a healthy webhook (a customer host serving several hooks).
    const deadOnSharedOrigin = {
      endpoint: loopbackUrl(healthyPorts[0] as number, '/hang'),
      timeoutSeconds: 5,
    };

    // The hostile receivers run in a process of their own, so their writing does not slow the healthy ones.
    const hostile = await ReceiverProcess.start(ctx, 'hostile-receiver');
    const [endlessPort, headersPort] = (await hostile.listen(2)) as [number, number];
    const extra: Record<(typeof ORDER)[number] | (typeof HOSTILE)[number], BenchWebhook[]> = {
      'healthy-only': [],
      'with-dead': [dead],
      'with-endless-body': [{ endpoint: loopbackUrl(endlessPort, '/endless'), timeoutSeconds: 5 }],
      'with-many-headers': [{ endpoint: loopbackUrl(headersPort, '/headers'), timeoutSeconds: 5 }],
    };
    const runs: Record<keyof typeof extra, VariantMeasure[]> = {
      'healthy-only': [],
      'with-dead': [],
      'with-endless-body': [],
      'with-many-headers': [],
    };
    for (let r = 0; r < REPEATS; r++) {
      for (const label of [...ORDER, ...HOSTILE]) {
        runs[label].push(await variant(ctx, label, receiver, healthyPorts, [...healthy, ...extra[label]]));
      }
    }
    const sharedOrigin = await variant(ctx, 'dead-on-shared-origin', receiver, healthyPorts, [
      ...healthy,
      deadOnSharedOrigin,
    ]);
    const baseline = medianRate(runs['healthy-only']);
    // The healthy webhook that shares the dead one's origin, against its healthy neighbours.
    const [sharingPause, ...otherPauses] = sharedOrigin.healthyMaxPauseSeconds as [number, ...number[]];
    return {
      metrics: [
        metric({
          metric: 'healthy deliveries/s with a dead webhook',
          unit: '/s',
          gateway: medianRate(runs['with-dead']),
          reference: baseline,
          referenceName: 'same run without it',
          target: { on: 'ratio', op: '>=', value: 0.9 },
          // Both sides are medians of several runs: their windows' steal is compared as means.
          note: stealNote(
            runs['with-dead'].map((r) => r.steal),
            runs['healthy-only'].map((r) => r.steal),
            { gateway: 'the runs with the dead webhook', reference: 'those without' },
          ),
        }),
        ...HOSTILE.map((label) =>
          metric({
            metric: `healthy deliveries/s ${label === 'with-endless-body' ? 'beside an endless 200 body' : 'beside 10,000 response headers'}`,
            unit: '/s',
            gateway: medianRate(runs[label]),
            reference: baseline,
            referenceName: 'same run without it',
            target: { on: 'ratio', op: '>=', value: 0.9 },
            note: stealNote(
              runs[label].map((r) => r.steal),
              runs['healthy-only'].map((r) => r.steal),
              { gateway: `the runs ${label}`, reference: 'those without' },
            ),
          }),
        ),
        metric({
          metric: 'longest pause of the webhook sharing the dead one’s origin',
          unit: 's',
          gateway: sharedOrigin.timedOut ? null : sharingPause,
          reference: median(otherPauses),
          referenceName: 'its healthy neighbours (median)',
          note: 'informational, one run: the dead path is on the host:port of healthy webhook 1, so they share one connection pool',
        }),
      ],
      details: { events: EVENTS, healthyWebhooks: HEALTHY, runs, sharedOrigin },
    };
  },
};
