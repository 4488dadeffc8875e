import { afterEach, describe, expect, it, vi } from 'vitest';
import { type EventPropertiesOf, EventValidationError, parseEvent } from '../catalogue/index.js';
import { buildEvent } from './build-event.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';
const USER = 'b4df099e-70dc-4ff5-b4ea-c2c3547d97fb';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const userStatus: EventPropertiesOf<'UserStatus'> = {
  UserId: USER,
  OrganizationId: ORG,
  CanBeAllocatedTo: true,
  Talking: false,
  Available: true,
  Schedule: true,
  Serving: true,
  ServiceTerminals: 1,
  ActiveQueues: 2,
  ParkedCalls: 0,
  ServingCallback: false,
  FetchMode: false,
};

const supervision: EventPropertiesOf<'UserSupervisionStatus'> = {
  TargetUserId: USER,
  SupervisorUserId: '6cb31d7d-9cd9-41dc-a096-62cf31fd0281',
  OrganizationId: ORG,
  CallId: '9cae633f-68d0-4315-8b9a-b83c7673d8dc',
  State: 1,
};

function problemsOf(build: () => unknown) {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(EventValidationError);
    return (error as EventValidationError).problems;
  }
  throw new Error('buildEvent did not throw');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('buildEvent envelope defaults', () => {
  it('fills the envelope from the catalogue and the main entity', () => {
    vi.useFakeTimers({ now: new Date('2024-05-01T10:00:00.123Z') });
    const event = buildEvent('UserStatus', ORG, userStatus);
    expect(event).toEqual({
      RootEntityType: 'Organization',
      RootEntityId: ORG,
      EventType: 'UserStatus',
      EntityType: 'User',
      EntityId: USER,
      ...userStatus,
      Id: expect.stringMatching(GUID),
      Timestamp: '2024-05-01T10:00:00.123Z',
      MessageTTLSeconds: 60,
    });
    expect(parseEvent(event)).toBe(event);
  });

  it('gives every event a fresh Id', () => {
    const ids = new Set(Array.from({ length: 5 }, () => buildEvent('UserStatus', ORG, userStatus).Id));
    expect(ids.size).toBe(5);
  });

  it('uses the type default TTL: -1 (no expiry) for UserCallInArrived', () => {
    const event = buildEvent('UserCallInArrived', ORG, {
      CallId: '9cae633f-68d0-4315-8b9a-b83c7673d8dc',
      UserId: USER,
      OrganizationId: ORG,
      Publicity: 0,
    });
    expect(event.MessageTTLSeconds).toBe(-1);
    expect(event.EntityId).toBe(USER);
  });

  it('takes EntityId from QueueId and CallListId in the other sections', () => {
    const queue = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
    const event = buildEvent('QueueAttachedUsers', ORG, {
      QueueId: queue,
      OrganizationId: ORG,
      AttachedUsers: [],
    });
    expect(event).toMatchObject({ EntityType: 'Queue', EntityId: queue, MessageTTLSeconds: 120 });
  });
});

describe('buildEvent overrides', () => {
  it('replaces Id, Timestamp, EntityId, MessageTTLSeconds and RootEntityType', () => {
    const overrides = {
      Id: '85b214f2-1d27-4262-87b6-8f55b3199400',
      Timestamp: '2018-01-01T08:01:23.45',
      EntityId: userStatus.UserId.toUpperCase(),
      MessageTTLSeconds: 5,
      RootEntityType: 'Undefined',
    } as const;
    expect(buildEvent('UserStatus', ORG, userStatus, overrides)).toMatchObject(overrides);
  });

  it('refuses an EntityId naming another entity than the main entity property', () => {
    const other = { EntityId: '00000000-0000-0000-0000-000000000001' };
    expect(problemsOf(() => buildEvent('UserStatus', ORG, userStatus, other)).map((p) => p.path)).toEqual([
      '$.EntityId',
      '$.UserId',
    ]);
  });

  it('requires an explicit EntityId for a type without main entity property', () => {
    const entity = '11111111-2222-3333-4444-555555555555';
    const event = buildEvent('UserSupervisionStatus', ORG, supervision, { EntityId: entity });
    expect(event).toMatchObject({ EntityType: 'User', EntityId: entity, MessageTTLSeconds: -1 });
    const untyped = buildEvent as (...args: unknown[]) => unknown;
    expect(problemsOf(() => untyped('UserSupervisionStatus', ORG, supervision))).toEqual([
      {
        path: '$.EntityId',
        message: 'UserSupervisionStatus has no main entity property: pass EntityId in overrides',
      },
    ]);
  });
});

describe('buildEvent refuses what parseEvent would', () => {
  const untyped = buildEvent as (...args: unknown[]) => unknown;

  it('a mistyped or missing property', () => {
    const { Talking: _, ...withoutTalking } = userStatus;
    expect(
      problemsOf(() => untyped('UserStatus', ORG, { ...userStatus, Available: 'yes' })).map((p) => p.path),
    ).toEqual(['$.Available']);
    expect(problemsOf(() => untyped('UserStatus', ORG, withoutTalking)).map((p) => p.path)).toEqual([
      '$.Talking',
    ]);
  });

  it('a bad organization id or override', () => {
    expect(problemsOf(() => buildEvent('UserStatus', 'org-1', userStatus)).map((p) => p.path)).toEqual([
      '$.RootEntityId',
    ]);
    const late = () => buildEvent('UserStatus', ORG, userStatus, { Timestamp: 'tomorrow' });
    expect(problemsOf(late).map((p) => p.path)).toEqual(['$.Timestamp']);
  });

  it('envelope properties passed among the properties', () => {
    const problems = problemsOf(() =>
      untyped('UserStatus', ORG, { ...userStatus, EntityType: 'Queue', Id: 'x' }),
    );
    expect(problems.map((p) => p.path)).toEqual(['$.EntityType', '$.Id']);
  });

  it('an unknown event type', () => {
    expect(problemsOf(() => untyped('UserStatuses', ORG, userStatus))[0]).toEqual({
      path: '$.EventType',
      message: 'Unknown EventType "UserStatuses". Did you mean "UserStatus"?',
    });
  });
});
