import { runAbTool } from '../lib/ab-tool.js';
import { ReceiverProcess } from '../lib/receivers.js';
import { gatewayThroughput } from '../scenarios/throughput.js';

/**
 * npx tsx bench/tools/cpu-split.ts [runs] [events]: the throughput scenario's gateway side alone, run
 * several times, printing CPU µs per delivery by thread (main, store thread, the rest), the receiver's,
 * and the gateway's peak RSS, then the best of each: a steadier A/B figure for an engine change than one
 * rate; the throughput scenario stays the measure of record.
 */
const runs = Number(process.argv[2] ?? 5);
const events = Number(process.argv[3] ?? 50_000);
const columns = ['deliveries/s', 'main µs', 'store µs', 'rest µs', 'receiver µs', 'peak RSS MiB'];
await runAbTool('cpu-split', runs, columns, async (ctx) => {
  const receiver = await ReceiverProcess.start(ctx);
  const [port] = (await receiver.listen(1)) as [number];
  return async (runCtx) => {
    const m = await gatewayThroughput(runCtx, receiver, port, events);
    const t = m.threads;
    return [
      m.rate ?? 0,
      t.mainMicros ?? 0,
      t.busiestOtherMicros ?? 0,
      t.restMicros ?? 0,
      m.receiverCpuMicrosPerDelivery ?? 0,
      m.peakRssMb,
    ];
  };
});
