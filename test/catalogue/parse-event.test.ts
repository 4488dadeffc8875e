import { describe, expect, it } from 'vitest';
import { EventValidationError, parseEvent, safeParseEvent } from '../../src/catalogue/index.js';
import type { Problem } from '../../src/problems.js';
import { EXAMPLE_EVENT_TYPES, FULL_REQUEST, fixture, type Json } from './spec-fixtures.js';

function problemsOf(input: unknown): Problem[] {
  try {
    parseEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return (error as EventValidationError).problems;
  }
  throw new Error('parseEvent accepted the input');
}

function pathsOf(input: unknown): string[] {
  return problemsOf(input).map((p) => p.path);
}

describe('parseEvent on the spec examples', () => {
  it('has the 79 examples of the spec', () => {
    expect(EXAMPLE_EVENT_TYPES).toHaveLength(79);
  });

  it.each(EXAMPLE_EVENT_TYPES)('accepts the example of %s and returns the input itself', (eventType) => {
    const input = fixture(eventType);
    expect(parseEvent(input)).toBe(input);
    expect(safeParseEvent(input)).toEqual({ ok: true, event: input });
  });

  it('accepts the example full request as written: no MessageTTLSeconds means no expiry', () => {
    const input = structuredClone(FULL_REQUEST.body);
    expect(input).not.toHaveProperty('MessageTTLSeconds');
    expect(parseEvent(input)).toBe(input);
    expect(input.EventType).toBe(FULL_REQUEST.headers['X-Benemen-Event']);
  });

  it('keeps unknown properties, top-level and nested, and the key order', () => {
    const input: Json = { Zeta: { nested: [1, 2] }, ...fixture('CallbackChanged'), Alpha: 'new field' };
    input.CallbackAttempts = [
      { Id: '00000000-0000-0000-0000-000000000001', Note: null, Timestamp: '2020-01-01T12:00:00Z', Added: 1 },
    ];
    const keys = Object.keys(input);
    const parsed = parseEvent(input);
    expect(parsed).toBe(input);
    expect(Object.keys(parsed)).toEqual(keys);
    expect(parsed).toMatchObject({
      Zeta: { nested: [1, 2] },
      Alpha: 'new field',
      CallbackAttempts: [{ Added: 1 }],
    });
  });
});

describe('parseEvent problems, each with its JSON path', () => {
  it('names a mistyped known property', () => {
    expect(problemsOf({ ...fixture('UserStatus'), Talking: 'yes' })).toEqual([
      { path: '$.Talking', message: 'Invalid input: expected boolean, received string' },
    ]);
  });

  it('names a mistyped property of a nested helper object', () => {
    const input = { ...fixture('CallbackChanged'), CallbackAttempts: [{ Id: 'x' }] };
    expect(problemsOf(input)).toEqual([{ path: '$.CallbackAttempts[0].Id', message: 'Invalid Guid' }]);
  });

  it('names a missing envelope property', () => {
    const { Timestamp: _, ...input } = fixture('UserStatus');
    expect(problemsOf(input)).toEqual([{ path: '$.Timestamp', message: 'Required property is missing' }]);
  });

  it('names a bad Guid', () => {
    expect(problemsOf({ ...fixture('QueueStatus'), RootEntityId: 'fd434d24-f685-431d' })).toEqual([
      { path: '$.RootEntityId', message: 'Invalid Guid' },
    ]);
  });

  it('refuses an EntityType that does not belong to the EventType', () => {
    expect(problemsOf({ ...fixture('UserStatus'), EntityType: 'Queue' })).toEqual([
      { path: '$.EntityType', message: 'EntityType must be "User" for UserStatus events' },
    ]);
    expect(pathsOf({ ...fixture('CallbackListStatus'), EntityType: 'Undefined' })).toEqual(['$.EntityType']);
    expect(pathsOf({ ...fixture('QueueStatus'), EntityType: 'Organization' })).toEqual(['$.EntityType']);
  });

  it('refuses an unknown EventType, suggesting the nearest names', () => {
    const [problem] = problemsOf({
      ...fixture('QueueCallInUserConnected'),
      EventType: 'QueueCallInConnected',
    });
    expect(problem?.path).toBe('$.EventType');
    expect(problem?.message).toMatch(
      /^Unknown EventType "QueueCallInConnected"\. Did you mean "QueueCallInUserConnected"/,
    );
    expect(problemsOf({ ...fixture('UserStatus'), EventType: 'Banana' })).toEqual([
      { path: '$.EventType', message: 'Unknown EventType "Banana"' },
    ]);
  });

  it('still checks the envelope when the EventType is unknown or missing', () => {
    const input = { ...fixture('UserStatus'), EventType: 'Nope', Id: 42, EntityType: 'Robot' };
    expect(pathsOf(input)).toEqual(['$.EventType', '$.EntityType', '$.Id']);
    const { EventType: _, ...untyped } = fixture('UserStatus');
    expect(problemsOf(untyped)).toEqual([{ path: '$.EventType', message: 'Required property is missing' }]);
    expect(pathsOf({ ...fixture('UserStatus'), EventType: 7 })).toEqual(['$.EventType']);
  });

  it('lists every problem at once', () => {
    const { Timestamp: _, ...rest } = fixture('UserStatus');
    const input = { ...rest, RootEntityId: 'nope', EntityType: 'Queue', Talking: 'yes', ParkedCalls: 1.5 };
    expect(pathsOf(input).sort()).toEqual([
      '$.EntityType',
      '$.ParkedCalls',
      '$.RootEntityId',
      '$.Talking',
      '$.Timestamp',
    ]);
  });

  it.each([
    [null, 'null'],
    [[fixture('UserStatus')], 'an array'],
    ['{"EventType":"UserStatus"}', 'string'],
    [42, 'number'],
    [undefined, 'undefined'],
  ])('refuses %j, which is not an object, at $', (input, kind) => {
    expect(problemsOf(input)).toEqual([{ path: '$', message: `Expected an event object, got ${kind}` }]);
  });

  it('accepts null for nullable properties and refuses it for the others', () => {
    const nullable = { ...fixture('UserStatus'), ActiveQueueId: null, WrapUpStart: null };
    expect(safeParseEvent(nullable).ok).toBe(true);
    expect(safeParseEvent({ ...fixture('UserSetting'), Values: null, Keyword: null }).ok).toBe(true);
    expect(safeParseEvent({ ...fixture('QueueAttachedUsers'), AttachedUsers: null }).ok).toBe(true);
    expect(
      pathsOf({ ...fixture('UserStatus'), UserId: null, Talking: null, ActiveQueues: null }).sort(),
    ).toEqual(['$.ActiveQueues', '$.Talking', '$.UserId']);
  });
});

describe('the envelope and the body name one organization and one entity', () => {
  const A = 'aaaaaaaa-0000-4000-8000-000000000001';
  const B = 'bbbbbbbb-0000-4000-8000-000000000002';

  it('refuses a RootEntityId other than the body OrganizationId, naming both paths', () => {
    const problems = problemsOf({ ...fixture('UserStatus'), RootEntityId: A, OrganizationId: B });
    expect(problems.map((p) => p.path)).toEqual(['$.RootEntityId', '$.OrganizationId']);
    expect(problems[0]?.message).toContain(`$.RootEntityId is "${A}" but $.OrganizationId is "${B}"`);
  });

  it('refuses an EntityId other than the main entity property (UserId, QueueId, CallListId)', () => {
    expect(pathsOf({ ...fixture('UserStatus'), EntityId: A, UserId: B })).toEqual(['$.EntityId', '$.UserId']);
    expect(pathsOf({ ...fixture('QueueStatus'), EntityId: A, QueueId: B })).toEqual([
      '$.EntityId',
      '$.QueueId',
    ]);
    expect(pathsOf({ ...fixture('CallbackChanged'), EntityId: A, CallListId: B })).toEqual([
      '$.EntityId',
      '$.CallListId',
    ]);
  });

  it('compares Guids without regard to case, as .NET does', () => {
    const input: Json = { ...fixture('UserStatus'), RootEntityId: A.toUpperCase(), OrganizationId: A };
    Object.assign(input, { EntityId: B, UserId: B.toUpperCase() });
    expect(parseEvent(input)).toBe(input);
  });
});

describe('EventValidationError', () => {
  it('is an Error whose message summarises the problems', () => {
    const error = new EventValidationError([
      { path: '$.Talking', message: 'Invalid input: expected boolean, received string' },
      { path: '$.Timestamp', message: 'Required property is missing' },
    ]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('EventValidationError');
    expect(error.message).toBe(
      'Invalid event (2 problems): $.Talking: Invalid input: expected boolean, received string; ' +
        '$.Timestamp: Required property is missing',
    );
  });

  it('shortens the message past five problems but keeps all of them in problems', () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({ path: `$.P${i}`, message: 'bad' }));
    const error = new EventValidationError(problems);
    expect(error.problems).toHaveLength(7);
    expect(error.message).toMatch(/^Invalid event \(7 problems\): \$\.P0: bad;.*\$\.P4: bad; and 2 more$/);
  });
});
