import type { ClaimedDelivery, DeliveryIntake } from '../delivery/engine/ports.js';
import type { EventRecord, StoredEvent, WriteResult } from '../store/event-writer.js';
import type { StoreClient } from '../store/thread/store-client.js';

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
