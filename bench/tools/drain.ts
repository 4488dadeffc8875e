import { buildGateway } from '../lib/built-gateway.js';
import { killAllChildren } from '../lib/child-process.js';
import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess, threadSplit } from '../lib/gateway-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { log } from '../lib/run-scenario.js';
import { Scope } from '../lib/scope.js';
import { perSecond } from '../lib/stats.js';

/**
 * npx tsx bench/tools/drain.ts [runs] [events]: the backlog scenario's drain alone, smaller: `events`
 * deliveries published while the webhook's port is closed, then the receiver listens and the gateway
 * drains them from the store (claims, not hand-offs). Prints the drain rate, CPU µs per delivery by
 * thread and the receiver's, for each run and the best of each, for A/B runs of the claim path.
 */
const runs = Number(process.argv[2] ?? 3);
const events = Number(process.argv[3] ?? 200_000);
buildGateway();
const scope = new Scope();
const ctx = { name: 'drain', scope, previous: new Map(), log: (m: string) => log('drain', m) };
try {
  const rows: number[][] = [];
  const receiver = await ReceiverProcess.start(ctx);
  for (let i = 0; i < runs; i++) {
    const port = await receiver.reservePort();
    const gateway = await GatewayProcess.start(ctx, [{ endpoint: loopbackUrl(port) }]);
    await gateway.publish({ count: events, batchSize: 1_000, inFlight: 4 }, 600_000);
    await receiver.reset(events);
    await receiver.listenOn(port);
    const threadsBefore = await gateway.threadCpu();
    const receiverBefore = await receiver.cpuMicros();
    const received = await receiver.waitFor(events, 600_000, [port]);
    const t = threadSplit(threadsBefore, await gateway.threadCpu(), received.unique);
    const receiverMicros = ((await receiver.cpuMicros()) - receiverBefore) / received.unique;
    const rate = perSecond(received.unique, received.firstAt, received.lastAt) ?? 0;
    log('drain', `run ${i + 1}: ${received.unique} drained at ${Math.round(rate)}/s; ${JSON.stringify(t)}`);
    rows.push([rate, t.mainMicros ?? 0, t.busiestOtherMicros ?? 0, t.restMicros ?? 0, receiverMicros]);
    await gateway.stop();
  }
  const names = ['drain/s', 'main µs', 'store µs', 'rest µs', 'receiver µs'];
  const best = names.map((_, c) => (c === 0 ? Math.max : Math.min)(...rows.map((r) => r[c] as number)));
  for (const [label, row] of [...rows.map((r, i) => [`run ${i + 1}`, r] as const), ['best', best] as const])
    console.log(
      `${label.padEnd(6)} ${names.map((n, c) => `${n} ${(row[c] as number).toFixed(1)}`).join('  ')}`,
    );
} finally {
  await scope.close();
  killAllChildren();
}
