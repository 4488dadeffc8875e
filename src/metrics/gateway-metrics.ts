import { collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';
import { LabelledCount, PlainHistogram } from './tallies.js';

/** Seconds: from a 1 ms answer on loopback to the 60 s a webhook's TimeoutSeconds allows. */
const ATTEMPT_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds: a group commit with its fsync, on a fast disk and on a slow or busy one. */
const COMMIT_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export const EVENT_OUTCOMES = ['accepted', 'duplicate', 'refused', 'unavailable'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];
const FINAL_STATES = ['delivered', 'discarded', 'expired'];
const ATTEMPT_OUTCOMES = [
  'ok',
  'http-status',
  'redirect',
  'timeout',
  'tls',
  'connect',
  'dns',
  'blocked-by-policy',
  'protocol',
  'internal',
];

/** What the gauges read when scraped. */
export interface MetricsSources {
  /** Deliveries waiting, by state (pending, retrying, paused). */
  waiting(): Record<string, number>;
  /** Endpoints whose circuit breaker is open now. */
  openBreakers(): number;
  /** Endpoints paced now because their answers make the gateway drop the connection. */
  pacedLanes(): number;
}

/**
 * The gateway's metrics in Prometheus form. Labels are bounded: event types come from the catalogue
 * (anything else counts as "unknown"), states and outcome classes are fixed lists; nothing is labelled
 * per event, entity or webhook.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly events: Record<EventOutcome, LabelledCount>;
  private readonly finished = new LabelledCount(FINAL_STATES);
  private readonly attempts = new LabelledCount(ATTEMPT_OUTCOMES, 'internal');
  private readonly attemptSeconds = new PlainHistogram(ATTEMPT_BOUNDS);
  private readonly commitSeconds = new PlainHistogram(COMMIT_BOUNDS);

  constructor(eventTypes: readonly string[], sources: MetricsSources) {
    this.events = {
      accepted: new LabelledCount(eventTypes, 'unknown'),
      duplicate: new LabelledCount(eventTypes, 'unknown'),
      refused: new LabelledCount(eventTypes, 'unknown'),
      unavailable: new LabelledCount(eventTypes, 'unknown'),
    };
    collectDefaultMetrics({ register: this.registry });
    const counter = (
      name: string,
      help: string,
      values: () => { labels: Record<string, string>; value: number }[],
    ) => this.register({ name, help, type: 'counter', values });
    counter(
      'gateway_events_total',
      'Events by type and outcome: accepted, duplicate, refused (invalid), unavailable (the store refused the write)',
      () =>
        EVENT_OUTCOMES.flatMap((outcome) =>
          this.events[outcome]
            .entries()
            .map(([event_type, value]) => ({ labels: { event_type, outcome }, value })),
        ),
    );
    counter(
      'gateway_deliveries_finished_total',
      'Deliveries by the final state an attempt (or expiry) left them in',
      () => this.finished.entries().map(([state, value]) => ({ labels: { state }, value })),
    );
    counter('gateway_attempts_total', 'Delivery attempts by outcome: ok (200) or the error class', () =>
      this.attempts.entries().map(([outcome, value]) => ({ labels: { outcome }, value })),
    );
    this.histogram('gateway_attempt_duration_seconds', 'Duration of delivery attempts', this.attemptSeconds);
    this.histogram(
      'gateway_store_commit_duration_seconds',
      'From a batch of accepted events handed to the store to its durable commit (queueing, inserts, fsync)',
      this.commitSeconds,
    );
    new Gauge({
      name: 'gateway_deliveries_waiting',
      help: 'Deliveries waiting, by state: in the store, and claimed by this gateway but not started (they wait for a place)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        for (const [state, n] of Object.entries(sources.waiting())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'gateway_breakers_open',
      help: 'Endpoints whose circuit breaker is open',
      registers: [this.registry],
      collect() {
        this.set(sources.openBreakers());
      },
    });
    new Gauge({
      name: 'gateway_lanes_paced',
      help: 'Endpoints paced (one request at a time) because their answers have more body than the gateway reads, so each drops the connection',
      registers: [this.registry],
      collect() {
        this.set(sources.pacedLanes());
      },
    });
  }

  event(eventType: string, outcome: EventOutcome): void {
    this.events[outcome].add(eventType);
  }

  attempt(errorClass: string | null, durationMs: number): void {
    this.attempts.add(errorClass ?? 'ok');
    this.attemptSeconds.observe(durationMs / 1000);
  }

  deliveryFinished(state: string): void {
    this.finished.add(state);
  }

  /** What the delivery engine tells of each attempt and each finished delivery (its observer). */
  readonly deliveryObserver = {
    attempted: (errorClass: string | null, durationMs: number) => this.attempt(errorClass, durationMs),
    finished: (state: string) => this.deliveryFinished(state),
  };

  storeCommit(durationMs: number): void {
    this.commitSeconds.observe(durationMs / 1000);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  private histogram(name: string, help: string, h: PlainHistogram): void {
    this.register({
      name,
      help,
      type: 'histogram',
      values: () => [
        ...h
          .cumulative()
          .map(({ le, count }) => ({ metricName: `${name}_bucket`, labels: { le }, value: count })),
        { metricName: `${name}_sum`, labels: {}, value: h.sum },
        { metricName: `${name}_count`, labels: {}, value: h.count },
      ],
    });
  }

  /** A metric whose values are read from the tallies at scrape time. */
  private register(m: {
    name: string;
    help: string;
    type: 'counter' | 'histogram';
    values: () => { metricName?: string; labels: Record<string, string>; value: number }[];
  }): void {
    const metric = {
      name: m.name,
      help: m.help,
      type: m.type,
      get: () => ({ name: m.name, help: m.help, type: m.type, values: m.values(), aggregator: 'sum' }),
    };
    this.registry.registerMetric(metric as unknown as Metric);
  }
}

/** Counts by key, added up (the store's waiting deliveries and those the lanes hold unstarted). */
export function sumCounts(...parts: readonly Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const part of parts) for (const [key, n] of Object.entries(part)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}
