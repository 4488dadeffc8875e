import type { ClaimedDelivery } from '../delivery/engine/delivery-store.js';
import type { EventRecord, StoredEvent, WriteResult } from './event-writer.js';
import type { StoreClient } from './thread/store-client.js';

/**
 * Where new deliveries go (the delivery engine). Before a write, each delivery is offered to its
 * webhook's lane: a lane with room and no older work waiting takes it, and it is recorded in flight in
 * the same commit as its event, so no claim reads it back; the others are recorded pending, and the lane
 * counts them until the commit so that no later hand-off overtakes them.
 */
export interface DeliveryIntake {
  /** True: the lane takes this delivery (a place is reserved). False: it will wait in the store. */
  reserve(webhookId: number): boolean;
  /** Committed: the deliveries the lanes took, now in flight, and the webhooks of those left waiting. */
  admit(handedOff: readonly ClaimedDelivery[], waiting: readonly number[]): void;
  /** Not written after all (a failed batch, a duplicate): give back what reserve() counted. */
  release(reserved: readonly number[], waiting: readonly number[]): void;
}

/**
 * Records events through the store and hands their deliveries to the engine. The store decides nothing
 * about lanes; this is the one place where a write and the engine's bookkeeping meet.
 */
export class EventRecorder {
  constructor(
    private readonly store: Pick<StoreClient, 'write'>,
    private readonly intake: DeliveryIntake,
  ) {}

  /** Resolves once the events are committed; all of them are recorded or none. */
  async write(records: readonly EventRecord[]): Promise<WriteResult[]> {
    const handOffs = records.map((r) => r.webhookIds.map((id) => this.intake.reserve(id)));
    let stored: StoredEvent[];
    try {
      stored = await this.store.write(records, handOffs);
    } catch (error) {
      const [reserved, waiting] = split(records, handOffs);
      this.intake.release(reserved, waiting);
      throw error;
    }
    const handedOff: ClaimedDelivery[] = [];
    const waiting: number[] = [];
    const unused: EventRecord[] = [];
    const unusedHandOffs: boolean[][] = [];
    stored.forEach((event, i) => {
      const record = records[i] as EventRecord;
      const taken = handOffs[i] as boolean[];
      if (event.duplicate) {
        unused.push(record);
        unusedHandOffs.push(taken);
        return;
      }
      record.webhookIds.forEach((webhookId, j) => {
        if (!taken[j]) {
          waiting.push(webhookId);
          return;
        }
        handedOff.push({
          id: event.deliveryIds[j] as number,
          webhookId,
          previousState: 'pending',
          attemptCount: 0,
          eventType: record.eventType,
          expiresAt: record.expiresAt,
          payload: record.payload,
        });
      });
    });
    if (unused.length > 0) this.intake.release(...split(unused, unusedHandOffs));
    this.intake.admit(handedOff, waiting);
    return stored.map(({ id, matched, duplicate }) => ({ id, matched, duplicate }));
  }
}

/** The webhooks of these records, as [reserved, waiting] by their hand-off flags. */
function split(records: readonly EventRecord[], handOffs: readonly boolean[][]): [number[], number[]] {
  const reserved: number[] = [];
  const waiting: number[] = [];
  records.forEach((r, i) => {
    r.webhookIds.forEach((id, j) => {
      (handOffs[i]?.[j] ? reserved : waiting).push(id);
    });
  });
  return [reserved, waiting];
}
