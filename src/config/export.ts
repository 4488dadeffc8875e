import { readState } from '../store/config/read-state.js';
import type { StoredOrgState, SubscriptionState, WebhookState } from '../store/config/state.js';
import type { GatewayDatabase } from '../store/database.js';
import type {
  ConfigDocument,
  GatewaySection,
  OrganizationDocument,
  SubscriptionDocument,
  WebhookEntryDocument,
} from './schema.js';

/**
 * The stored configuration written back as a document that imports to the same state: webhooks sorted by
 * Endpoint, each with its WebhookId (so the next import keeps it), subscriptions by content, only the groups the configuration owns (source 'config'), with their
 * members when the document owns those. It contains the webhooks' secrets, like the document it came from.
 */
export function exportConfig(g: GatewayDatabase, gateway: GatewaySection): ConfigDocument {
  return { Gateway: gateway, Organizations: readState(g).map(organizationDocument) };
}

export function organizationDocument(org: StoredOrgState): OrganizationDocument {
  return {
    OrganizationId: org.organizationId,
    // Members go with the group only when the document owns them: producers keep theirs across imports.
    SecurityGroups: org.securityGroups
      .filter((group) => group.source === 'config')
      .map((group) =>
        group.membersFromDocument
          ? { SecurityGroupId: group.id, EntityIds: group.members ?? [] }
          : { SecurityGroupId: group.id },
      ),
    Webhooks: org.webhooks.map(webhookEntry),
  };
}

function webhookEntry(w: WebhookState): WebhookEntryDocument {
  return {
    Webhook: {
      ...(w.webhookId === null ? {} : { WebhookId: w.webhookId }),
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
