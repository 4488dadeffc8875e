import { EventBus } from '../../bus/event-bus.js';
import { type EventRecord, type EventSink, isStoreRefusal, type RecordedEvent } from '../../bus/ports.js';
import { EventValidationError } from '../../catalogue/index.js';
import type { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import type { Router } from '../../routing/router.js';

/** The event sink, counting what it recorded (accepted or duplicate, by type) and timing each commit. */
export function countingSink(sink: EventSink, metrics: GatewayMetrics): EventSink {
  return {
    async write(records: readonly EventRecord[]): Promise<RecordedEvent[]> {
      const started = performance.now();
      try {
        const recorded = await sink.write(records);
        metrics.storeCommit(performance.now() - started);
        for (let i = 0; i < records.length; i++)
          metrics.event(
            (records[i] as EventRecord).eventType,
            recorded[i]?.duplicate ? 'duplicate' : 'accepted',
          );
        return recorded;
      } catch (error) {
        if (isStoreRefusal(error)) for (const r of records) metrics.event(r.eventType, 'unavailable');
        throw error;
      }
    },
  };
}

const typeOf = (input: unknown): string => {
  const type = (input as { EventType?: unknown } | null)?.EventType;
  return typeof type === 'string' ? type : 'unknown';
};

/** The bus, counting the events it refuses as invalid (a refused batch: each of its events, by type). */
export class CountedBus extends EventBus {
  constructor(
    router: Router,
    sink: EventSink,
    private readonly metrics: GatewayMetrics,
  ) {
    super(router, sink);
  }

  override async publish(event: unknown) {
    try {
      return await super.publish(event);
    } catch (error) {
      if (error instanceof EventValidationError) this.metrics.event(typeOf(event), 'refused');
      throw error;
    }
  }

  override async publishBatch(events: readonly unknown[]) {
    try {
      return await super.publishBatch(events);
    } catch (error) {
      if (error instanceof EventValidationError)
        for (const e of events) this.metrics.event(typeOf(e), 'refused');
      throw error;
    }
  }
}
