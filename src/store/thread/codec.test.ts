import { describe, expect, it } from 'vitest';
import type { ClaimResult, Outcome } from '../delivery-store.js';
import type { EventRecord, StoredEvent } from '../event-writer.js';
import {
  decodeClaim,
  decodeOutcomes,
  decodeRecords,
  decodeStored,
  encodeClaim,
  encodeOutcomes,
  encodeRecords,
  encodeStored,
} from './codec.js';

const record = (id: string, webhookIds: number[], expiresAt: number | null = null): EventRecord => ({
  id,
  organizationId: 'o',
  eventType: 'UserStatus',
  entityId: `e-${id}`,
  occurredAt: '2020-01-01T00:00:00Z',
  expiresAt,
  payload: `{"Id":"${id}","Text":"ä \\" \\n"}`,
  webhookIds,
});

/** What the thread receives must be exactly what was sent, after a real structured clone. */
const across = <T>(value: T): T => structuredClone(value);

describe('store thread codec', () => {
  it('carries records with their webhooks and hand-offs, including records without webhooks', () => {
    const records = [record('a', [1, 2, 3], 1700000000000), record('b', []), record('c', [7])];
    const handOffs = [[true, false, true], [], [false]];
    expect(decodeRecords(across(encodeRecords(records, handOffs)))).toEqual([records, handOffs]);
  });

  it('treats missing hand-off flags as not handed off', () => {
    expect(decodeRecords(encodeRecords([record('a', [1, 2])], []))[1]).toEqual([[false, false]]);
  });

  it('carries stored events, duplicates with no deliveries among them', () => {
    const stored: StoredEvent[] = [
      { id: 'a', matched: 2, duplicate: false, deliveryIds: [10, 11] },
      { id: 'b', matched: 3, duplicate: true, deliveryIds: [] },
      { id: 'c', matched: 1, duplicate: false, deliveryIds: [12] },
    ];
    expect(decodeStored(across(encodeStored(stored)))).toEqual(stored);
  });

  it('carries a claim and its next due time', () => {
    const claim: ClaimResult = {
      deliveries: [
        {
          id: 1,
          webhookId: 4,
          previousState: 'pending',
          attemptCount: 0,
          eventType: 'A',
          expiresAt: null,
          payload: '{}',
        },
        {
          id: 2,
          webhookId: 4,
          previousState: 'retrying',
          attemptCount: 2,
          eventType: 'B',
          expiresAt: 5,
          payload: '[]',
        },
      ],
      nextDueAt: 1234,
    };
    expect(decodeClaim(across(encodeClaim(claim)))).toEqual(claim);
    expect(decodeClaim(encodeClaim({ deliveries: [], nextDueAt: null }))).toEqual({
      deliveries: [],
      nextDueAt: null,
    });
  });

  it('carries outcomes with and without an attempt, nulls kept as nulls', () => {
    const outcomes: Outcome[] = [
      {
        deliveryId: 1,
        state: 'retrying',
        attemptCount: 1,
        nextAttemptAt: 99,
        finishedAt: null,
        attempt: {
          deliveryId: 1,
          attemptNo: 1,
          startedAt: 50,
          durationMs: 0,
          statusCode: null,
          errorClass: 'timeout',
          errorMessage: 'timed out after 5000 ms',
          responseSnippet: null,
        },
      },
      {
        deliveryId: 2,
        state: 'expired',
        attemptCount: 0,
        nextAttemptAt: null,
        finishedAt: 60,
        attempt: null,
      },
      {
        deliveryId: 3,
        state: 'delivered',
        attemptCount: 1,
        nextAttemptAt: null,
        finishedAt: 70,
        attempt: {
          deliveryId: 3,
          attemptNo: 1,
          startedAt: 65,
          durationMs: 5,
          statusCode: 200,
          errorClass: null,
          errorMessage: null,
          responseSnippet: '',
        },
      },
    ];
    expect(decodeOutcomes(across(encodeOutcomes(outcomes)))).toEqual(outcomes);
  });
});
