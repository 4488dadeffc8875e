import type { EventBus } from '../bus/event-bus.js';
import type { MembershipDirectory } from '../bus/ports.js';
import type { GatewayEvent } from '../catalogue/index.js';
import type { Publisher, PublishResult } from './publisher.js';

/** The in-process SDK: producers in the gateway's own process publish straight to the bus. */
export class LocalPublisher implements Publisher {
  constructor(
    private readonly bus: EventBus,
    private readonly directory: MembershipDirectory,
  ) {}

  publish(event: GatewayEvent): Promise<PublishResult> {
    return this.bus.publish(event);
  }

  publishBatch(events: readonly GatewayEvent[]): Promise<PublishResult[]> {
    return this.bus.publishBatch(events);
  }

  async replaceSecurityGroupMembers(
    organizationId: string,
    securityGroupId: string,
    entityIds: readonly string[],
  ): Promise<void> {
    await this.directory.replaceMembers(organizationId, securityGroupId, entityIds);
  }
}
