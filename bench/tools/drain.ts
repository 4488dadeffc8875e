import { runAbTool } from '../lib/ab-tool.js';
import { loopbackUrl } from '../lib/gateway-config.js';
import { GatewayProcess, threadSplit } from '../lib/gateway-process.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { perSecond } from '../lib/stats.js';

/**
 * npx tsx bench/tools/drain.ts [runs] [events]: the backlog scenario's drain alone, smaller: `events`
 * deliveries published while the webhook's port is closed, then the receiver listens and the gateway
 * drains them from the store (claims, not hand-offs). Prints the drain rate and CPU µs per delivery by
 * thread and the receiver's, for each run and the best of each, for A/B runs of the claim path.
 */
const runs = Number(process.argv[2] ?? 3);
const events = Number(process.argv[3] ?? 200_000);
const columns = ['drain/s', 'main µs', 'store µs', 'rest µs', 'receiver µs'];
await runAbTool('drain', runs, columns, async (ctx) => {
  const receiver = await ReceiverProcess.start(ctx);
  return async (runCtx) => {
    const port = await receiver.reservePort();
    const gateway = await GatewayProcess.start(runCtx, [{ endpoint: loopbackUrl(port) }]);
    await gateway.publish({ count: events, batchSize: 1_000, inFlight: 4 }, 600_000);
    await receiver.reset(events);
    await receiver.listenOn(port);
    const threadsBefore = await gateway.threadCpu();
    const receiverBefore = await receiver.cpuMicros();
    const received = await receiver.waitFor(events, 600_000, [port]);
    const t = threadSplit(threadsBefore, await gateway.threadCpu(), received.unique);
    const receiverMicros = ((await receiver.cpuMicros()) - receiverBefore) / received.unique;
    const rate = perSecond(received.unique, received.firstAt, received.lastAt) ?? 0;
    runCtx.log(`${received.unique} drained at ${Math.round(rate)}/s; ${JSON.stringify(t)}`);
    await gateway.stop();
    return [rate, t.mainMicros ?? 0, t.busiestOtherMicros ?? 0, t.restMicros ?? 0, receiverMicros];
  };
});
