import { type ReceiverPorts, waitForAll } from './receivers.js';

/**
 * Deliveries every process under test makes, unmeasured, before a measured rate: the gateway, the undici
 * reference and the BullMQ peer alike. A fresh process spends its first seconds compiling hot code (measured
 * on the gateway: 10 of its 17 µs per delivery outside the main and store threads were the JIT's), opening
 * connections and warming caches; a rate of record is what a running process sustains, as the latency
 * scenario's own warm-up already assumed.
 */
export const WARM_UP_DELIVERIES = 5_000;
const WARM_UP_TIMEOUT_MS = 120_000;

/**
 * Runs `send` (which must deliver `perPort` events to every port) and waits until the receivers hold them
 * all. The receivers are reset before; the caller resets them again for the measured run.
 */
export async function warmUp(receivers: ReceiverPorts, perPort: number, send: () => Promise<unknown>) {
  await Promise.all(receivers.map((r) => r.receiver.reset(perPort)));
  const receipts = waitForAll(
    receivers.map((r) => ({ ...r, target: perPort * r.ports.length })),
    WARM_UP_TIMEOUT_MS,
  );
  await send();
  const received = await receipts;
  if (received.timedOut) {
    const expected = perPort * receivers.reduce((n, r) => n + r.ports.length, 0);
    throw new Error(`warm-up: ${received.unique} of ${expected} events received`);
  }
}

/** Events per port for a warm-up of WARM_UP_DELIVERIES spread over `ports` endpoints. */
export function warmUpPerPort(ports: number): number {
  return Math.ceil(WARM_UP_DELIVERIES / ports);
}
