import { startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import { benchDocument, loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { referenceOn } from '../lib/reference.js';
import { metric } from '../lib/results.js';
import type { Scenario, ScenarioContext } from '../lib/scenario.js';
import { perSecond } from '../lib/stats.js';
import { describeSteal, startStealMeter } from '../lib/steal.js';
import { WARM_UP_DELIVERIES, warmUp } from '../lib/warm-up.js';
import { measureLatency } from './latency.js';
import { gatewayThroughput, PRODUCER, TIMEOUT_MS } from './throughput.js';

/** Events per measured run: fewer than throughput's, since the PostgreSQL gateway is the slower one. */
const EVENTS = 20_000;

interface PgMeasure {
  instances: number;
  rate: number | null;
  delivered: number;
  duplicates: number;
  timedOut: boolean;
  seconds: number;
  /** From the first publish to the last acknowledgement: how fast the instances took the events. */
  publishSeconds: number;
  /** CPU of every gateway process together, per delivery (the database server's is not included). */
  gatewayCpuMicrosPerDelivery: number | null;
  /** CPU of the PostgreSQL server's processes, per delivery. */
  serverCpuMicrosPerDelivery: number | null;
  steal: ReturnType<ReturnType<typeof startStealMeter>['stop']>;
}

/**
 * `instances` gateway processes on one fresh database, one webhook: each publishes its share of EVENTS
 * in process, at the same time; the rate runs from the first publish to the last receipt.
 */
async function pgThroughput(
  ctx: ScenarioContext,
  server: Pick<TestPostgres, 'createDatabase' | 'cpuMicros'>,
  receiver: ReceiverProcess,
  port: number,
  instances: number,
): Promise<PgMeasure> {
  const database = await server.createDatabase();
  const gateways: GatewayProcess[] = [];
  for (let i = 0; i < instances; i++)
    gateways.push(
      await GatewayProcess.start(ctx, [], {
        label: `gateway-pg-${i + 1}`,
        document: benchDocument(database, [{ endpoint: loopbackUrl(port) }]),
      }),
    );
  const share = Math.ceil(WARM_UP_DELIVERIES / instances);
  await warmUp([{ receiver, ports: [port] }], share * instances, () =>
    Promise.all(
      gateways.map((g, i) => g.publish({ count: share, ...PRODUCER, firstSeq: i * share }, TIMEOUT_MS)),
    ),
  );
  const perInstance = Math.ceil(EVENTS / instances);
  const total = perInstance * instances;
  await receiver.reset(total);
  const cpuBefore = await Promise.all(gateways.map((g) => g.cpuMicros()));
  const serverBefore = server.cpuMicros();
  const receipts = receiver.waitFor(total, TIMEOUT_MS);
  const steal = startStealMeter();
  const published = await Promise.all(
    gateways.map((g, i) =>
      g.publish({ count: perInstance, ...PRODUCER, firstSeq: i * perInstance }, TIMEOUT_MS),
    ),
  );
  const received = await receipts;
  const stealReport = steal.stop();
  const cpuAfter = await Promise.all(gateways.map((g) => g.cpuMicros()));
  const serverAfter = server.cpuMicros();
  const cpu = cpuAfter.reduce((sum, c, i) => sum + c - (cpuBefore[i] as number), 0);
  const startedAt = Math.min(...published.map((p) => p.startedAt));
  const publishedAt = Math.max(...published.map((p) => p.finishedAt));
  const end = received.lastAt || publishedAt;
  for (const g of gateways) await g.stop();
  const measure: PgMeasure = {
    instances,
    rate: perSecond(received.unique, startedAt, end),
    delivered: received.unique,
    duplicates: received.duplicates,
    timedOut: received.timedOut,
    seconds: (end - startedAt) / 1000,
    publishSeconds: (publishedAt - startedAt) / 1000,
    gatewayCpuMicrosPerDelivery: received.unique > 0 ? cpu / received.unique : null,
    serverCpuMicrosPerDelivery:
      serverBefore === null || serverAfter === null || received.unique === 0
        ? null
        : (serverAfter - serverBefore) / received.unique,
    steal: stealReport,
  };
  ctx.log(
    `PostgreSQL, ${instances} instance(s): ${received.unique} of ${total} in ${measure.seconds.toFixed(2)} s = ${Math.round(measure.rate ?? 0)}/s (published in ${measure.publishSeconds.toFixed(2)} s); CPU µs/delivery ${measure.gatewayCpuMicrosPerDelivery?.toFixed(1)}, server ${measure.serverCpuMicrosPerDelivery?.toFixed(1) ?? '-'}; ${describeSteal(stealReport)}`,
  );
  return measure;
}

const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

export const postgres: Scenario = {
  name: 'postgres',
  description: `the gateway on a local PostgreSQL (fsync and synchronous_commit on): ${EVENTS} events to 1 webhook with 1 and 2 instances, vs the SQLite gateway and undici alone in the same run; publish-to-receipt at 1,000 events/s on one instance`,
  budgetMs: 900_000,
  async run(ctx) {
    const server = await startPostgres({ fsync: true });
    ctx.scope.add('stop PostgreSQL', () => server.stop());
    const receiver = await ReceiverProcess.start(ctx);
    const [port] = (await receiver.listen(1)) as [number];
    const reference = await referenceOn(ctx, receiver, [port], EVENTS, TIMEOUT_MS);
    const sqlite = await gatewayThroughput(ctx, receiver, port, EVENTS);
    const one = await pgThroughput(ctx, server, receiver, port, 1);
    const two = await pgThroughput(ctx, server, receiver, port, 2);

    const database = await server.createDatabase();
    const latencyGateway = await GatewayProcess.start(ctx, [], {
      label: 'gateway-pg-latency',
      document: benchDocument(database, [{ endpoint: loopbackUrl(port) }]),
    });
    const latency = await measureLatency(ctx, latencyGateway, receiver);
    await latencyGateway.stop();

    const sqliteRate = sqlite.timedOut ? null : sqlite.rate;
    return {
      metrics: [
        metric({
          metric: 'deliveries/s, 1 instance vs SQLite gateway',
          unit: '/s',
          gateway: one.timedOut ? null : one.rate,
          reference: sqliteRate,
          referenceName: 'SQLite gateway',
          target: { on: 'ratio', op: '>=', value: 0.5 },
        }),
        metric({
          metric: 'deliveries/s, 1 instance vs undici',
          unit: '/s',
          gateway: one.timedOut ? null : one.rate,
          reference: reference.rate,
          referenceName: 'undici.Pool alone',
        }),
        metric({
          metric: 'deliveries/s, 2 instances vs 1',
          unit: '/s',
          gateway: two.timedOut ? null : two.rate,
          reference: one.timedOut ? null : one.rate,
          referenceName: '1 instance',
          target: { on: 'ratio', op: '>=', value: 1 },
          note: `2 instances vs SQLite: ${ratio(two.rate, sqliteRate)?.toFixed(2)}, vs undici: ${ratio(two.rate, reference.rate)?.toFixed(2)}`,
        }),
        metric({
          metric: 'CPU µs per delivery, 1 instance',
          unit: 'µs',
          gateway: one.gatewayCpuMicrosPerDelivery,
          reference: sqlite.gatewayCpuMicrosPerDelivery,
          referenceName: 'SQLite gateway',
          note: 'gateway processes only: the PostgreSQL server works on the same two cores',
        }),
        metric({
          metric: 'PostgreSQL server CPU µs per delivery, 1 instance',
          unit: 'µs',
          gateway: one.serverCpuMicrosPerDelivery,
          reference: one.gatewayCpuMicrosPerDelivery,
          referenceName: 'its gateway',
          note: `2 instances: ${two.serverCpuMicrosPerDelivery?.toFixed(1) ?? '-'} µs`,
        }),
        metric({
          metric: 'CPU µs per delivery, 2 instances',
          unit: 'µs',
          gateway: two.gatewayCpuMicrosPerDelivery,
          reference: reference.clientCpuMicrosPerRequest,
          referenceName: 'undici client',
        }),
        metric({
          metric: 'publish-to-receipt p50 at 1,000/s',
          unit: 'ms',
          gateway: latency.latency.p50,
        }),
        metric({
          metric: 'publish-to-receipt p99 at 1,000/s',
          unit: 'ms',
          gateway: latency.latency.p99,
          target: { on: 'gateway', op: '<=', value: 50 },
        }),
      ],
      details: { events: EVENTS, producer: PRODUCER, reference, sqlite, one, two, latency },
    };
  },
};
