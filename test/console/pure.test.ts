import { describe, expect, it } from 'vitest';
import { problemsByField } from '../../src/console/admin-api.js';
import type { DeliverySummary, Health, SubscriptionVerdict } from '../../src/console/api-types.js';
import { localToIso } from '../../src/console/pages/common.js';
import { verdictWords } from '../../src/console/pages/events.js';
import { isFailing } from '../../src/console/pages/organizations.js';
import { changes } from '../../src/console/pages/tail.js';

describe('the console pure helpers', () => {
  it('puts each API problem beside the field its path names', () => {
    const byField = problemsByField({
      Code: 'BAD_REQUEST',
      Message: 'Invalid',
      Problems: [
        { Path: '$.Endpoint', Message: 'must be https' },
        { Path: '$.Subscriptions[2].EventType', Message: 'unknown' },
        { Path: '$', Message: 'whole' },
      ],
    });
    expect(byField.get('Endpoint')).toEqual(['must be https']);
    expect(byField.get('EventType')).toEqual(['unknown']);
    expect(byField.get('')).toEqual(['whole']);
    expect(problemsByField({ Code: 'CONFLICT', Message: 'exists' }).get('')).toEqual(['exists']);
  });

  it('reads a datetime-local value in the browser offset it was sent with, as UTC', () => {
    // Helsinki in winter is UTC+2: getTimezoneOffset() is -120.
    expect(localToIso('2026-12-01T14:30', '-120')).toBe('2026-12-01T12:30:00.000Z');
    expect(localToIso('2026-12-01T14:30', '')).toBe('2026-12-01T14:30:00.000Z');
    expect(localToIso('', '-120')).toBeUndefined();
    expect(localToIso('yesterday', '0')).toBe('yesterday');
  });

  it('calls a webhook failing when its breaker is open or its last attempt failed', () => {
    const health = (over: Partial<Health>): Health => ({
      Breaker: 'closed',
      InFlight: 0,
      Waiting: 0,
      OldestWaitingAgeSeconds: null,
      Last5Minutes: { Attempts: 0, SuccessRate: null, P50Ms: null, P99Ms: null },
      LastHour: { Attempts: 0, SuccessRate: null, P50Ms: null, P99Ms: null },
      LastSuccessAt: null,
      LastFailure: null,
      ...over,
    });
    expect(isFailing(health({}))).toBe(false);
    expect(isFailing(health({ Breaker: 'open' }))).toBe(true);
    const failure = { At: '2026-12-01T10:00:00.000Z', StatusCode: 503, ErrorClass: null };
    expect(isFailing(health({ LastFailure: failure }))).toBe(true);
    expect(isFailing(health({ LastFailure: failure, LastSuccessAt: '2026-12-01T10:00:01.000Z' }))).toBe(
      false,
    );
    expect(isFailing(null)).toBe(false);
  });

  it('says why a subscription did not match, in words', () => {
    const v: SubscriptionVerdict = {
      WebhookId: 'w',
      Endpoint: 'https://x/',
      Target: 'EntityId e1',
      WebhookEnabled: true,
      Matches: false,
      Reasons: ['the event is for entity e2, the subscription for e1'],
      Note: null,
    };
    expect(verdictWords(v)).toBe('Not matched: the event is for entity e2, the subscription for e1.');
    expect(verdictWords({ ...v, Matches: true, WebhookEnabled: false })).toMatch(/paused/);
  });

  it('tails each new delivery and each change of state once, oldest first', () => {
    const d = (id: number, state: string, attempts = 1): DeliverySummary => ({
      DeliveryId: id,
      EventId: `e${id}`,
      EventType: 'UserStatus',
      EntityId: 'x',
      WebhookId: 'w',
      State: state,
      AttemptCount: attempts,
      CreatedAt: '2026-12-01T10:00:00.000Z',
      NextAttemptAt: null,
      LastAttemptAt: null,
      LastStatus: null,
      LastErrorClass: null,
      FinishedAt: null,
    });
    const seen = new Map<number, string>();
    expect(changes(seen, [d(2, 'pending'), d(1, 'delivered')]).map((x) => x.DeliveryId)).toEqual([1, 2]);
    expect(changes(seen, [d(2, 'pending'), d(1, 'delivered')])).toEqual([]);
    expect(
      changes(seen, [d(3, 'pending'), d(2, 'retrying', 2), d(1, 'delivered')]).map((x) => x.DeliveryId),
    ).toEqual([2, 3]);
    changes(seen, [d(3, 'pending')]);
    expect([...seen.keys()]).toEqual([3]);
  });
});
