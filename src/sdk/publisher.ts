import type { GatewayEvent } from '../catalogue/index.js';

/** The outcome of one published event, the same in process and over HTTP. */
export interface PublishResult {
  /** The event's Id, as published. */
  Id: string;
  /** How many webhooks the event was matched to (for a duplicate: when it was first accepted). */
  Matched: number;
  /** True when an event with this Id was already accepted: it is not stored or delivered again. */
  Duplicate: boolean;
}

/**
 * What producers use, in process or remote. `publish` is typed by the catalogue: an object literal with
 * EventType 'UserStatus' compiles only with UserStatus's properties and types. It resolves once the
 * event is durably recorded, and rejects with the catalogue's EventValidationError for a bad event.
 */
export interface Publisher {
  publish(event: GatewayEvent): Promise<PublishResult>;
  /** All or nothing: one invalid event refuses the whole batch, naming its index. */
  publishBatch(events: readonly GatewayEvent[]): Promise<PublishResult[]>;
  /** Producers own the directory: replace the members of a security group. */
  replaceSecurityGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<void>;
}
