import { problemsFromIssues } from '../problems.js';
import {
  byString,
  type OrgState,
  type SubscriptionState,
  subscriptionSet,
  type WebhookState,
} from '../store/config/state.js';
import { ConfigError } from './config-error.js';
import {
  type ConfigDocument,
  configDocumentSchema,
  type GatewaySection,
  type OrganizationDocument,
  type SubscriptionDocument,
  type WebhookEntryDocument,
} from './schema.js';

export interface ParsedConfig {
  gateway: GatewaySection;
  /** The desired state of every organization the document lists. */
  organizations: OrgState[];
}

/** Validates a parsed JSON value as a configuration document; throws ConfigError listing every problem. */
export function parseConfigDocument(json: unknown): ParsedConfig {
  const result = configDocumentSchema.safeParse(json);
  if (!result.success) throw new ConfigError(problemsFromIssues(result.error.issues));
  return { gateway: result.data.Gateway, organizations: desiredState(result.data) };
}

export function desiredState(document: ConfigDocument): OrgState[] {
  return document.Organizations.map(organizationState).sort(byString((o) => o.organizationId));
}

function organizationState(organization: OrganizationDocument): OrgState {
  return {
    organizationId: organization.OrganizationId.toLowerCase(),
    securityGroups: organization.SecurityGroups.map((group) => ({
      id: group.SecurityGroupId.toLowerCase(),
      source: 'config' as const,
      members: group.EntityIds === undefined ? null : [...new Set(group.EntityIds.map(lower))].sort(),
    })).sort(byString((g) => g.id)),
    webhooks: organization.Webhooks.map(webhookState).sort(byString((w) => w.endpoint)),
  };
}

function webhookState({ Webhook: w, Subscriptions }: WebhookEntryDocument): WebhookState {
  return {
    webhookId: w.WebhookId === undefined ? null : lower(w.WebhookId),
    endpoint: w.Endpoint,
    description: w.Description ?? null,
    secret: w.Secret ?? null,
    insecureSsl: w.InsecureSSL,
    timeoutSeconds: w.TimeoutSeconds,
    enabled: w.Enabled,
    retryScheduleSeconds: w.RetryScheduleSeconds ?? null,
    subscriptions: subscriptionSet(Subscriptions.map(subscriptionState)),
  };
}

function subscriptionState(s: SubscriptionDocument): SubscriptionState {
  return {
    eventType: s.EventType,
    entityId: s.EntityId === undefined ? null : lower(s.EntityId),
    securityGroupId: s.SecurityGroupId === undefined ? null : lower(s.SecurityGroupId),
    allEntities: s.AllEntities === true,
    enabled: s.Enabled,
  };
}

const lower = (id: string): string => id.toLowerCase();
