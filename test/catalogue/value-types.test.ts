import { describe, expect, it } from 'vitest';
import { safeParseEvent } from '../../src/catalogue/index.js';
import { fixture } from './spec-fixtures.js';

/** The paths refused when `property` of the example of `eventType` is set to `value`. */
function refusedPaths(eventType: string, property: string, value: unknown): string[] {
  const result = safeParseEvent({ ...fixture(eventType), [property]: value });
  return result.ok ? [] : result.problems.map((p) => p.path);
}

const accepts = (eventType: string, property: string, value: unknown) =>
  expect(refusedPaths(eventType, property, value), `${property} = ${JSON.stringify(value)}`).toEqual([]);
const refuses = (eventType: string, property: string, value: unknown) =>
  expect(refusedPaths(eventType, property, value), `${property} = ${JSON.stringify(value)}`).toEqual([
    `$.${property}`,
  ]);

describe('DateTime, as .NET writes it', () => {
  it.each([
    '2018-01-01T08:01:23.45',
    '0001-01-01T00:00:00',
    '2020-01-01T12:00:00Z',
    '2024-05-01T10:00:00.1234567+02:00',
    '9999-12-31T23:59:59.9999999',
    '2024-02-29T00:00:00-05:30',
    '2024-05-01T10:00:00.123Z',
  ])('accepts %s', (value) => {
    accepts('UserStatus', 'Timestamp', value);
    accepts('UserStatus', 'TalkingStatusChanged', value);
  });

  it.each([
    'yesterday',
    '2020-13-45T00:00:00',
    '2023-02-29T00:00:00',
    '2020-01-01',
    '2020-01-01T12:00',
    '2020-01-01 12:00:00',
    '2020-01-01T24:00:00',
    '2020-01-01T12:00:00+0200',
    '2020-01-01T12:00:00.Z',
    ' 2020-01-01T12:00:00Z',
    '',
  ])('refuses %j', (value) => {
    refuses('UserStatus', 'Timestamp', value);
    refuses('UserStatus', 'TalkingStatusChanged', value);
  });
});

describe('Guid', () => {
  it.each([
    '00000000-0000-0000-0000-000000000000',
    'fd434d24-f685-431d-8df5-386b5d5ffa73',
    'FD434D24-F685-431D-8DF5-386B5D5FFA73',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    // Not an RFC 4122 version or variant: .NET Guids need not be.
    '12345678-1234-1234-1234-123456789abc',
  ])('accepts %s', (value) => {
    // UserId is UserStatus's main entity: the envelope's EntityId must name the same user.
    expect(safeParseEvent({ ...fixture('UserStatus'), UserId: value, EntityId: value }).ok).toBe(true);
    accepts('UserStatus', 'ActiveQueueId', value);
  });

  it.each([
    '{fd434d24-f685-431d-8df5-386b5d5ffa73}',
    'fd434d24f685431d8df5386b5d5ffa73',
    'fd434d24-f685-431d-8df5-386b5d5ffa7',
    'gd434d24-f685-431d-8df5-386b5d5ffa73',
    '',
  ])('refuses %j', (value) => {
    refuses('UserStatus', 'UserId', value);
    refuses('UserStatus', 'ActiveQueueId', value);
  });
});

describe('numbers', () => {
  it('int is a 32-bit integer', () => {
    for (const value of [0, -1, 2_147_483_647, -2_147_483_648]) accepts('UserStatus', 'ActiveQueues', value);
    for (const value of [1.5, 2_147_483_648, -2_147_483_649, '1', Number.NaN])
      refuses('UserStatus', 'ActiveQueues', value);
  });

  it('short is a 16-bit integer', () => {
    for (const value of [1, 32_767, -32_768]) accepts('CallbackChanged', 'TypeId', value);
    for (const value of [32_768, -32_769, 0.5]) refuses('CallbackChanged', 'TypeId', value);
  });

  it('long is a safe integer', () => {
    for (const value of [0, 2_147_483_648, Number.MAX_SAFE_INTEGER])
      accepts('QueueStatus', 'MaxWaitTime', value);
    for (const value of [2 ** 53, 1.25, '5']) refuses('QueueStatus', 'MaxWaitTime', value);
  });

  it('float is any finite number', () => {
    for (const value of [0, 0.25, -3, 1e30]) accepts('QueueDailyCallMetrics', 'InboundAvgWaitTimeSec', value);
    for (const value of [Number.POSITIVE_INFINITY, Number.NaN, '0.5']) {
      refuses('QueueDailyCallMetrics', 'InboundAvgWaitTimeSec', value);
    }
  });

  it('MessageTTLSeconds is -1 or a number of seconds', () => {
    for (const value of [-1, 0, 600]) accepts('UserStatus', 'MessageTTLSeconds', value);
    for (const value of [-2, 1.5, null]) refuses('UserStatus', 'MessageTTLSeconds', value);
  });
});

describe('enums, dictionaries, lists', () => {
  it('an enum is its integer value or its name', () => {
    for (const value of [0, 3, 'Undefined', 'Public']) accepts('UserCallInArrived', 'Publicity', value);
    for (const value of [true, 1.5, null, {}]) refuses('UserCallInArrived', 'Publicity', value);
    accepts('UserSetting', 'Level', 'Undefined');
    accepts('UserSupervisionStatus', 'State', 2);
  });

  it('Dictionary<string, string> maps to strings or null', () => {
    accepts('UserSetting', 'Values', { a: 'x', b: null });
    expect(refusedPaths('UserSetting', 'Values', { a: 1 })).toEqual(['$.Values.a']);
    refuses('UserSetting', 'AllowedValues', ['x']);
  });

  it('Dictionary<string, object> maps to anything', () => {
    accepts('QueueCallInSmartRoutingResult', 'ExtraData', { a: 1, b: { c: [null] } });
    refuses('QueueCallInSmartRoutingResult', 'ExtraData', 'x');
  });

  it('List<T> holds T: strings, helper objects, undescribed SmartRoutingTarget objects', () => {
    accepts('QueueChanged', 'Numbers', ['+358101231234', null]);
    expect(refusedPaths('QueueChanged', 'Numbers', ['+358', 5])).toEqual(['$.Numbers[1]']);
    accepts('QueueChanged', 'QueueGroups', [{ Id: null, Name: 'Group', Description: null }]);
    expect(refusedPaths('QueueChanged', 'QueueGroups', [{ Id: 'x' }])).toEqual(['$.QueueGroups[0].Id']);
    accepts('QueueCallInSmartRoutingResult', 'Targets', [{ anything: 1 }, {}]);
    refuses('QueueCallInSmartRoutingResult', 'Targets', {});
    expect(refusedPaths('QueueCallInSmartRoutingResult', 'Targets', [1])).toEqual(['$.Targets[0]']);
  });

  it('a helper object requires the properties its example has, unless nullable', () => {
    const user = { UserId: '00000000-0000-0000-0000-000000000000', Active: true, Priority: 1 };
    accepts('QueueAttachedUsers', 'AttachedUsers', [user]);
    const { Priority: _, ...withoutPriority } = user;
    expect(refusedPaths('QueueAttachedUsers', 'AttachedUsers', [withoutPriority])).toEqual([
      '$.AttachedUsers[0].Priority',
    ]);
  });
});
