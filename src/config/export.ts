import type { GatewayDatabase } from '../store/database.js';
import type { OrgState, SubscriptionState, WebhookState } from './org-state.js';
import { readState } from './read-state.js';
import type {
  ConfigDocument,
  GatewaySection,
  OrganizationDocument,
  SubscriptionDocument,
  WebhookEntryDocument,
} from './schema.js';

/**
 * The stored configuration written back as a document that imports to the same state: webhooks sorted by
 * Endpoint, subscriptions by content, only the groups the configuration owns (source 'config'), with their
 * members when they have any. It contains the webhooks' secrets, like the document it came from.
 */
export function exportConfig(g: GatewayDatabase, gateway: GatewaySection): ConfigDocument {
  return { Gateway: gateway, Organizations: readState(g).map(organizationDocument) };
}

function organizationDocument(org: OrgState): OrganizationDocument {
  return {
    OrganizationId: org.organizationId,
    SecurityGroups: org.securityGroups
      .filter((group) => group.source === 'config')
      .map((group) =>
        group.members === null || group.members.length === 0
          ? { SecurityGroupId: group.id }
          : { SecurityGroupId: group.id, EntityIds: group.members },
      ),
    Webhooks: org.webhooks.map(webhookEntry),
  };
}

function webhookEntry(w: WebhookState): WebhookEntryDocument {
  return {
    Webhook: {
      Endpoint: w.endpoint,
      ...(w.description === null ? {} : { Description: w.description }),
      ...(w.secret === null ? {} : { Secret: w.secret }),
      InsecureSSL: w.insecureSsl,
      TimeoutSeconds: w.timeoutSeconds,
      Enabled: w.enabled,
      ...(w.retryScheduleSeconds === null ? {} : { RetryScheduleSeconds: w.retryScheduleSeconds }),
    },
    Subscriptions: w.subscriptions.map(subscriptionDocument),
  };
}

function subscriptionDocument(s: SubscriptionState): SubscriptionDocument {
  const target =
    s.entityId !== null
      ? { EntityId: s.entityId }
      : s.securityGroupId !== null
        ? { SecurityGroupId: s.securityGroupId }
        : { AllEntities: true };
  return { EventType: s.eventType, ...target, Enabled: s.enabled };
}
