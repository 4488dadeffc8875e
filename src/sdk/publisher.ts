import type { PublishResult } from '../bus/ports.js';
import type { GatewayEvent } from '../catalogue/index.js';

export type { PublishResult };

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
