import { randomUUID } from 'node:crypto';
import type { GatewayEvent } from '../../src/catalogue/index.js';
import { importBuiltGateway } from './built-gateway.js';
import { nowMs } from './clock.js';

// The built SDK (bench/run.ts compiles it first), so the gateway process loads one copy of the package.
const { buildEvent } = await importBuiltGateway();

/** The organization every delivery scenario publishes for. */
export const BENCH_ORG = '5b0f1c3a-7d2e-4c1b-9a8f-0e6d2c4b1a90';
export const BENCH_TOKEN = 'bench-producer-token';
const USERS = Array.from({ length: 1_000 }, () => randomUUID());

/** The extra properties every bench event carries; the catalogue keeps unknown properties as given. */
export interface BenchMarks {
  /** Which event of the run this is (0-based): receivers spot duplicates and gaps with it. */
  BenchSeq: number;
  /** nowMs() when the producer handed the event to the publisher: receivers compute latency from it. */
  BenchPublishedAt: number;
}

const template = buildEvent(
  'UserStatus',
  BENCH_ORG,
  {
    UserId: USERS[0] as string,
    OrganizationId: BENCH_ORG,
    CanBeAllocatedTo: true,
    Talking: false,
    TalkingStatusChanged: null,
    ActiveQueueId: null,
    Available: true,
    Schedule: true,
    Serving: true,
    ServiceTerminals: 1,
    ActiveQueues: 3,
    ParkedCalls: 0,
    WrapUpStart: null,
    WrapUpEnd: null,
    ServingCallback: false,
    FetchMode: false,
  },
  // No expiry: a backlog that waits minutes for its receiver must still be delivered, not expire.
  { MessageTTLSeconds: -1 },
);

/**
 * A valid UserStatus event, built the way a producer would (a fresh Id and Timestamp, a rotating user),
 * stamped with its sequence number and the moment it is published.
 */
export function benchEvent(seq: number, timestamp = new Date().toISOString()): GatewayEvent {
  const user = USERS[seq % USERS.length] as string;
  const marks: BenchMarks = { BenchSeq: seq, BenchPublishedAt: nowMs() };
  return { ...template, Id: randomUUID(), Timestamp: timestamp, EntityId: user, UserId: user, ...marks };
}

/** Events seq .. seq+count-1, sharing one Timestamp (they are produced in the same instant). */
export function benchBatch(firstSeq: number, count: number): GatewayEvent[] {
  const timestamp = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => benchEvent(firstSeq + i, timestamp));
}

/** The request body the gateway delivers for an event: its exact JSON. */
export function benchBody(seq: number): string {
  return JSON.stringify(benchEvent(seq));
}
