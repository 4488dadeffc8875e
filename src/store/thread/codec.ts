import type { ClaimedDelivery, ClaimResult, Outcome, ReleasedDelivery } from '../delivery-store.js';
import type { EventRecord, HandOffs, StoredEvent } from '../event-writer.js';
import type { DeliveryState } from '../schema/deliveries.js';
import type { ArgsOf, ResultOf, StoreOperation } from './protocol.js';

/**
 * How each StoreService operation's arguments and result cross to the store thread, typed by the
 * operation. postMessage copies with the structured clone algorithm, which writes every property name of
 * every object; the hot operations (write, claim, record) send columns (one array per field) instead,
 * which measured several times faster to post (bench/README.md, "Figures behind the code"). The other
 * operations cross as they are. Each pair of functions is an exact inverse, tested in codec.test.ts.
 */
export interface Codec<K extends StoreOperation> {
  encodeArgs(args: ArgsOf<K>): unknown[];
  decodeArgs(wire: unknown[]): ArgsOf<K>;
  encodeResult(result: ResultOf<K>): unknown;
  decodeResult(wire: unknown): ResultOf<K>;
}

/**
 * A codec from a pair of typed wire forms. What arrives on the other side is what the same codec's
 * encode side produced (structured clone keeps the shape), so reading it back as that form is safe;
 * this is where the thread boundary's `unknown` becomes typed again.
 */
function wired<K extends StoreOperation, WireArgs extends unknown[], WireResult>(c: {
  encodeArgs(args: ArgsOf<K>): WireArgs;
  decodeArgs(wire: WireArgs): ArgsOf<K>;
  encodeResult(result: ResultOf<K>): WireResult;
  decodeResult(wire: WireResult): ResultOf<K>;
}): Codec<K> {
  return {
    encodeArgs: c.encodeArgs,
    decodeArgs: (wire) => c.decodeArgs(wire as WireArgs),
    encodeResult: c.encodeResult,
    decodeResult: (wire) => c.decodeResult(wire as WireResult),
  };
}

const asIs = <K extends StoreOperation>(): Codec<K> =>
  wired<K, ArgsOf<K>, ResultOf<K>>({
    encodeArgs: (args) => args,
    decodeArgs: (wire) => wire,
    encodeResult: (result) => result,
    decodeResult: (wire) => wire,
  });

interface RecordColumns {
  id: string[];
  organizationId: string[];
  eventType: string[];
  entityId: string[];
  occurredAt: string[];
  expiresAt: (number | null)[];
  payload: string[];
  /** Webhooks per record; their ids and hand-off flags follow, flattened. */
  webhookCount: number[];
  webhookId: number[];
  handOff: boolean[];
}

export function encodeRecords(records: readonly EventRecord[], handOffs: HandOffs): RecordColumns {
  const c: RecordColumns = {
    id: [],
    organizationId: [],
    eventType: [],
    entityId: [],
    occurredAt: [],
    expiresAt: [],
    payload: [],
    webhookCount: [],
    webhookId: [],
    handOff: [],
  };
  records.forEach((r, i) => {
    c.id.push(r.id);
    c.organizationId.push(r.organizationId);
    c.eventType.push(r.eventType);
    c.entityId.push(r.entityId);
    c.occurredAt.push(r.occurredAt);
    c.expiresAt.push(r.expiresAt);
    c.payload.push(r.payload);
    c.webhookCount.push(r.webhookIds.length);
    r.webhookIds.forEach((webhookId, j) => {
      c.webhookId.push(webhookId);
      c.handOff.push(handOffs[i]?.[j] === true);
    });
  });
  return c;
}

export function decodeRecords(c: RecordColumns): [EventRecord[], boolean[][]] {
  const records: EventRecord[] = [];
  const handOffs: boolean[][] = [];
  let at = 0;
  c.id.forEach((id, i) => {
    const count = c.webhookCount[i] as number;
    records.push({
      id,
      organizationId: c.organizationId[i] as string,
      eventType: c.eventType[i] as string,
      entityId: c.entityId[i] as string,
      occurredAt: c.occurredAt[i] as string,
      expiresAt: c.expiresAt[i] as number | null,
      payload: c.payload[i] as string,
      webhookIds: c.webhookId.slice(at, at + count),
    });
    handOffs.push(c.handOff.slice(at, at + count));
    at += count;
  });
  return [records, handOffs];
}

interface StoredColumns {
  id: string[];
  matched: number[];
  duplicate: boolean[];
  deliveryCount: number[];
  deliveryId: number[];
}

export function encodeStored(events: readonly StoredEvent[]): StoredColumns {
  const c: StoredColumns = { id: [], matched: [], duplicate: [], deliveryCount: [], deliveryId: [] };
  for (const e of events) {
    c.id.push(e.id);
    c.matched.push(e.matched);
    c.duplicate.push(e.duplicate);
    c.deliveryCount.push(e.deliveryIds.length);
    c.deliveryId.push(...e.deliveryIds);
  }
  return c;
}

export function decodeStored(c: StoredColumns): StoredEvent[] {
  let at = 0;
  return c.id.map((id, i) => {
    const count = c.deliveryCount[i] as number;
    const deliveryIds = c.deliveryId.slice(at, at + count);
    at += count;
    return { id, matched: c.matched[i] as number, duplicate: c.duplicate[i] as boolean, deliveryIds };
  });
}

interface ClaimColumns {
  id: number[];
  webhookId: number[];
  previousState: ClaimedDelivery['previousState'][];
  attemptCount: number[];
  eventType: string[];
  expiresAt: (number | null)[];
  payload: string[];
  nextDueAt: number | null;
}

export function encodeClaim({ deliveries, nextDueAt }: ClaimResult): ClaimColumns {
  return {
    id: deliveries.map((d) => d.id),
    webhookId: deliveries.map((d) => d.webhookId),
    previousState: deliveries.map((d) => d.previousState),
    attemptCount: deliveries.map((d) => d.attemptCount),
    eventType: deliveries.map((d) => d.eventType),
    expiresAt: deliveries.map((d) => d.expiresAt),
    payload: deliveries.map((d) => d.payload),
    nextDueAt,
  };
}

export function decodeClaim(c: ClaimColumns): ClaimResult {
  const deliveries = c.id.map(
    (id, i): ClaimedDelivery => ({
      id,
      webhookId: c.webhookId[i] as number,
      previousState: c.previousState[i] as ClaimedDelivery['previousState'],
      attemptCount: c.attemptCount[i] as number,
      eventType: c.eventType[i] as string,
      expiresAt: c.expiresAt[i] as number | null,
      payload: c.payload[i] as string,
    }),
  );
  return { deliveries, nextDueAt: c.nextDueAt };
}

/** Outcome fields, then attempt fields; an outcome without an attempt has attemptNo null. */
interface OutcomeColumns {
  deliveryId: number[];
  state: DeliveryState[];
  attemptCount: number[];
  nextAttemptAt: (number | null)[];
  finishedAt: (number | null)[];
  attemptNo: (number | null)[];
  startedAt: (number | null)[];
  durationMs: (number | null)[];
  statusCode: (number | null)[];
  errorClass: (string | null)[];
  errorMessage: (string | null)[];
  responseSnippet: (string | null)[];
}

export function encodeOutcomes(outcomes: readonly Outcome[]): OutcomeColumns {
  const pick = <T>(f: (o: Outcome) => T) => outcomes.map(f);
  return {
    deliveryId: pick((o) => o.deliveryId),
    state: pick((o) => o.state),
    attemptCount: pick((o) => o.attemptCount),
    nextAttemptAt: pick((o) => o.nextAttemptAt),
    finishedAt: pick((o) => o.finishedAt),
    attemptNo: pick((o) => o.attempt?.attemptNo ?? null),
    startedAt: pick((o) => o.attempt?.startedAt ?? null),
    durationMs: pick((o) => o.attempt?.durationMs ?? null),
    statusCode: pick((o) => o.attempt?.statusCode ?? null),
    errorClass: pick((o) => o.attempt?.errorClass ?? null),
    errorMessage: pick((o) => o.attempt?.errorMessage ?? null),
    responseSnippet: pick((o) => o.attempt?.responseSnippet ?? null),
  };
}

export function decodeOutcomes(c: OutcomeColumns): Outcome[] {
  return c.deliveryId.map((deliveryId, i): Outcome => {
    const attemptNo = c.attemptNo[i] ?? null;
    return {
      deliveryId,
      state: c.state[i] as DeliveryState,
      attemptCount: c.attemptCount[i] as number,
      nextAttemptAt: c.nextAttemptAt[i] ?? null,
      finishedAt: c.finishedAt[i] ?? null,
      attempt:
        attemptNo === null
          ? null
          : {
              deliveryId,
              attemptNo,
              startedAt: c.startedAt[i] as number,
              durationMs: c.durationMs[i] as number,
              statusCode: c.statusCode[i] ?? null,
              errorClass: c.errorClass[i] ?? null,
              errorMessage: c.errorMessage[i] ?? null,
              responseSnippet: c.responseSnippet[i] ?? null,
            },
    };
  });
}

export const CODECS: { [K in StoreOperation]: Codec<K> } = {
  write: wired({
    encodeArgs: ([records, handOffs]: ArgsOf<'write'>): [RecordColumns] => [encodeRecords(records, handOffs)],
    decodeArgs: ([columns]: [RecordColumns]) => decodeRecords(columns),
    encodeResult: encodeStored,
    decodeResult: decodeStored,
  }),
  claim: wired({
    ...asIs<'claim'>(),
    encodeResult: encodeClaim,
    decodeResult: decodeClaim,
  }),
  record: wired({
    ...asIs<'record'>(),
    encodeArgs: ([outcomes]: ArgsOf<'record'>): [OutcomeColumns] => [encodeOutcomes(outcomes)],
    decodeArgs: ([columns]: [OutcomeColumns]): ArgsOf<'record'> => [decodeOutcomes(columns)],
  }),
  release: wired({
    ...asIs<'release'>(),
    // Claimed deliveries carry their payloads; releasing one needs only its row and former state.
    encodeArgs: ([deliveries]: ArgsOf<'release'>): ArgsOf<'release'> => [
      deliveries.map(({ id, previousState }): ReleasedDelivery => ({ id, previousState })),
    ],
  }),
  expirePaused: asIs(),
  recoverInFlight: asIs(),
  requeue: asIs(),
  recoverBatch: asIs(),
  startJob: asIs(),
  endJob: asIs(),
  recordTestAttempt: asIs(),
  retain: asIs(),
  drain: asIs(),
};
