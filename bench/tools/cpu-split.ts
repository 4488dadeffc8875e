import { buildGateway } from '../lib/built-gateway.js';
import { killAllChildren } from '../lib/child-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { log } from '../lib/run-scenario.js';
import { Scope } from '../lib/scope.js';
import { gatewayThroughput } from '../scenarios/throughput.js';

/**
 * npx tsx bench/tools/cpu-split.ts [runs] [events]: the throughput scenario's gateway side alone, run
 * several times, printing CPU µs per delivery by thread (main, store thread, the rest), the receiver's,
 * and the gateway's peak RSS, then the best of each. On a shared machine steal only ever adds, so the
 * best of a few runs is a steadier A/B figure for an engine change than one rate; the throughput scenario
 * stays the measure of record.
 */
const runs = Number(process.argv[2] ?? 5);
const events = Number(process.argv[3] ?? 50_000);
buildGateway();
const scope = new Scope();
const ctx = { name: 'cpu-split', scope, previous: new Map(), log: (m: string) => log('cpu-split', m) };
try {
  const receiver = await ReceiverProcess.start(ctx);
  const [port] = (await receiver.listen(1)) as [number];
  const rows: number[][] = [];
  for (let i = 0; i < runs; i++) {
    const m = await gatewayThroughput(ctx, receiver, port, events);
    const t = m.threads;
    rows.push([
      m.rate ?? 0,
      t.mainMicros ?? 0,
      t.busiestOtherMicros ?? 0,
      t.restMicros ?? 0,
      m.receiverCpuMicrosPerDelivery ?? 0,
      m.peakRssMb,
    ]);
  }
  const names = ['deliveries/s', 'main µs', 'store µs', 'rest µs', 'receiver µs', 'peak RSS MiB'];
  const best = names.map((_, c) => (c === 0 ? Math.max : Math.min)(...rows.map((r) => r[c] as number)));
  for (const [label, row] of [...rows.map((r, i) => [`run ${i + 1}`, r] as const), ['best', best] as const])
    console.log(
      `${label.padEnd(6)} ${names.map((n, c) => `${n} ${(row[c] as number).toFixed(1)}`).join('  ')}`,
    );
} finally {
  await scope.close();
  killAllChildren();
}
