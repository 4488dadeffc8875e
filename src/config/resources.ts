import { createHash } from 'node:crypto';
import type { SecurityGroupDocument, SubscriptionDocument, WebhookDocument } from './schema.js';

/**
 * The configuration's resources as the admin API and the audit log show them: the document's own field
 * names, with the Secret write-only (HasSecret) and subscriptions named by a SubscriptionId.
 */

export interface WebhookView {
  WebhookId: string;
  Endpoint: string;
  InsecureSSL: boolean;
  HasSecret: boolean;
  Description: string | null;
  TimeoutSeconds: number;
  Enabled: boolean;
  /** null: the gateway's Delivery.RetryScheduleSeconds applies. */
  RetryScheduleSeconds: number[] | null;
}

export function webhookView(w: WebhookDocument): WebhookView {
  return {
    WebhookId: w.WebhookId ?? '',
    Endpoint: w.Endpoint,
    InsecureSSL: w.InsecureSSL,
    HasSecret: w.Secret !== undefined,
    Description: w.Description ?? null,
    TimeoutSeconds: w.TimeoutSeconds,
    Enabled: w.Enabled,
    RetryScheduleSeconds: w.RetryScheduleSeconds ?? null,
  };
}

/** What makes a subscription the one it is, Enabled aside (toggling it keeps its id). */
export function subscriptionTargetOf(s: SubscriptionDocument): string {
  if (s.EntityId !== undefined) return `EntityId=${s.EntityId.toLowerCase()}`;
  if (s.SecurityGroupId !== undefined) return `SecurityGroupId=${s.SecurityGroupId.toLowerCase()}`;
  return 'AllEntities';
}

/**
 * A subscription's id: derived from its webhook, EventType and target, so it is the same however the
 * subscription was made (a document, the API) and survives export and import, which carry no ids.
 */
export function subscriptionId(webhookId: string, s: SubscriptionDocument): string {
  const hex = createHash('sha256')
    .update(`${webhookId.toLowerCase()} ${s.EventType} ${subscriptionTargetOf(s)}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? '0', 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface SubscriptionView {
  SubscriptionId: string;
  EventType: string;
  EntityId?: string;
  SecurityGroupId?: string;
  AllEntities?: true;
  Enabled: boolean;
}

export function subscriptionView(webhookId: string, s: SubscriptionDocument): SubscriptionView {
  const target =
    s.EntityId !== undefined
      ? { EntityId: s.EntityId }
      : s.SecurityGroupId !== undefined
        ? { SecurityGroupId: s.SecurityGroupId }
        : { AllEntities: true as const };
  return {
    SubscriptionId: subscriptionId(webhookId, s),
    EventType: s.EventType,
    ...target,
    Enabled: s.Enabled,
  };
}

export interface SecurityGroupView {
  SecurityGroupId: string;
  /** The members, when the configuration owns them; null when producers maintain them. */
  EntityIds: string[] | null;
}

export function securityGroupView(g: SecurityGroupDocument): SecurityGroupView {
  return { SecurityGroupId: g.SecurityGroupId, EntityIds: g.EntityIds ?? null };
}
