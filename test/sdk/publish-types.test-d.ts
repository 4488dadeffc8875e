import { describe, expectTypeOf, it } from 'vitest';
import type { EventOf, EventPropertiesOf, GatewayEvent } from '../../src/catalogue/index.js';
import { buildEvent } from '../../src/sdk/build-event.js';

// Type-level only: vitest's typecheck mode compiles this file and never runs it. Every @ts-expect-error
// must meet an error, or TypeScript reports the unused directive and the run fails.
declare function publish(event: GatewayEvent): Promise<unknown>;

const G = '00000000-0000-0000-0000-000000000000';

const properties: EventPropertiesOf<'UserStatus'> = {
  UserId: G,
  OrganizationId: G,
  CanBeAllocatedTo: false,
  Talking: false,
  Available: true,
  Schedule: true,
  Serving: true,
  ServiceTerminals: 1,
  ActiveQueues: 1,
  ParkedCalls: 0,
  ServingCallback: false,
  FetchMode: false,
};

const envelope = {
  RootEntityType: 'Organization',
  RootEntityId: G,
  EntityType: 'User',
  EntityId: G,
  Id: G,
  Timestamp: '2020-01-01T12:00:00Z',
  MessageTTLSeconds: 60,
} as const;

const userStatus: EventOf<'UserStatus'> = { ...envelope, EventType: 'UserStatus', ...properties };

describe('publish(event: GatewayEvent)', () => {
  it('accepts a UserStatus object literal with UserStatus properties', () => {
    publish({
      RootEntityType: 'Organization',
      RootEntityId: G,
      EventType: 'UserStatus',
      EntityType: 'User',
      EntityId: G,
      Id: G,
      Timestamp: '2020-01-01T12:00:00Z',
      MessageTTLSeconds: 60,
      UserId: G,
      OrganizationId: G,
      CanBeAllocatedTo: false,
      Talking: true,
      TalkingStatusChanged: null,
      Available: true,
      Schedule: true,
      Serving: true,
      ServiceTerminals: 1,
      ActiveQueues: 1,
      ParkedCalls: 0,
      ServingCallback: false,
      FetchMode: false,
    });
    expectTypeOf(publish).toBeCallableWith(userStatus);
  });

  it('refuses a wrong property type', () => {
    // @ts-expect-error Talking is a boolean
    publish({ ...userStatus, Talking: 'yes' });
    // @ts-expect-error EntityType of a UserStatus is 'User'
    publish({ ...userStatus, EntityType: 'Queue' });
  });

  it('refuses an unknown property', () => {
    // @ts-expect-error Bogus is not a UserStatus property
    publish({ ...userStatus, Bogus: 1 });
  });

  it('refuses a missing required property', () => {
    const { Talking: _, ...withoutTalking } = userStatus;
    // @ts-expect-error Talking is required
    publish(withoutTalking);
    // @ts-expect-error so is every envelope property
    publish({ ...properties, EventType: 'UserStatus' });
  });

  it("refuses another type's property", () => {
    // @ts-expect-error QueueName belongs to QueueStatus, not UserStatus
    publish({ ...userStatus, QueueName: 'Sample queue 1' });
    // @ts-expect-error and a QueueStatus needs its own properties
    publish({ ...userStatus, EventType: 'QueueStatus', EntityType: 'Queue' });
  });

  it('types the events without an index signature', () => {
    expectTypeOf<string extends keyof EventOf<'UserStatus'> ? true : false>().toEqualTypeOf<false>();
    expectTypeOf<EventOf<'UserStatus'>['Talking']>().toEqualTypeOf<boolean>();
    expectTypeOf<EventOf<'UserStatus'>['ActiveQueueId']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<EventOf<'UserStatus'>['EventType']>().toEqualTypeOf<'UserStatus'>();
    expectTypeOf<Extract<GatewayEvent, { EventType: 'QueueStatus' }>>().toEqualTypeOf<
      EventOf<'QueueStatus'>
    >();
  });
});

describe("buildEvent('UserStatus', org, properties)", () => {
  it('accepts UserStatus properties and returns a UserStatus event', () => {
    expectTypeOf(buildEvent('UserStatus', G, properties)).toEqualTypeOf<EventOf<'UserStatus'>>();
    expectTypeOf(buildEvent('UserStatus', G, { ...properties, ActiveQueueId: null })).toEqualTypeOf<
      EventOf<'UserStatus'>
    >();
    buildEvent('UserStatus', G, properties, { MessageTTLSeconds: 10, Id: G });
  });

  it('refuses a wrong property type', () => {
    // @ts-expect-error Talking is a boolean
    buildEvent('UserStatus', G, { ...properties, Talking: 'yes' });
  });

  it('refuses an unknown property', () => {
    // @ts-expect-error Bogus is not a UserStatus property
    buildEvent('UserStatus', G, { ...properties, Bogus: 1 });
  });

  it('refuses a missing required property', () => {
    const { Talking: _, ...withoutTalking } = properties;
    // @ts-expect-error Talking is required
    buildEvent('UserStatus', G, withoutTalking);
  });

  it("refuses another type's property and envelope properties", () => {
    // @ts-expect-error QueueName belongs to QueueStatus
    buildEvent('UserStatus', G, { ...properties, QueueName: 'Sample queue 1' });
    // @ts-expect-error the envelope is the builder's, set through overrides
    buildEvent('UserStatus', G, { ...properties, EntityId: G });
    // @ts-expect-error overrides cannot change the EventType
    buildEvent('UserStatus', G, properties, { EventType: 'QueueStatus' });
  });

  it('requires EntityId in overrides for UserSupervisionStatus, which has no UserId', () => {
    const supervision: EventPropertiesOf<'UserSupervisionStatus'> = {
      TargetUserId: G,
      SupervisorUserId: G,
      OrganizationId: G,
      CallId: G,
      State: 'Listening',
    };
    buildEvent('UserSupervisionStatus', G, supervision, { EntityId: G });
    // @ts-expect-error overrides with EntityId are required
    buildEvent('UserSupervisionStatus', G, supervision);
    // @ts-expect-error overrides without EntityId are not enough
    buildEvent('UserSupervisionStatus', G, supervision, { MessageTTLSeconds: 5 });
  });
});
