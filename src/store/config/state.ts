import type { SecurityGroupSource } from '../schema/index.js';

/**
 * The normalised form of one organization's configuration, the same whether read from the database or
 * from a document, so the two can be compared. Guids are lower-cased; lists are sorted.
 */
export interface OrgState {
  organizationId: string;
  securityGroups: SecurityGroupState[];
  webhooks: WebhookState[];
}

/** An organization as stored: its groups also say whether the document owns their members. */
export type StoredOrgState = Omit<OrgState, 'securityGroups'> & {
  securityGroups: StoredSecurityGroupState[];
};

export interface SecurityGroupState {
  id: string;
  source: SecurityGroupSource;
  /** Sorted entity ids; null in a desired state when producers, not the document, maintain the members. */
  members: string[] | null;
}

/** A stored group also says whether the document owns its members (they were listed as EntityIds). */
export interface StoredSecurityGroupState extends SecurityGroupState {
  membersFromDocument: boolean;
}

export interface WebhookState {
  /**
   * The webhook's identity (lower-cased Guid). Null in a desired state whose document left it out: it is
   * then matched to a stored webhook by Endpoint (see resolveWebhookIds) or assigned on creation.
   */
  webhookId: string | null;
  endpoint: string;
  description: string | null;
  secret: string | null;
  insecureSsl: boolean;
  timeoutSeconds: number;
  enabled: boolean;
  /** Per-webhook override of the gateway's retry schedule; null when the gateway's applies. */
  retryScheduleSeconds: number[] | null;
  /** A set: identity is the content (see subscriptionKey), sorted by it. */
  subscriptions: SubscriptionState[];
}

/** Exactly one of entityId, securityGroupId, allEntities is set. */
export interface SubscriptionState {
  eventType: string;
  entityId: string | null;
  securityGroupId: string | null;
  allEntities: boolean;
  enabled: boolean;
}

export function subscriptionTarget(s: SubscriptionState): string {
  if (s.entityId !== null) return `EntityId=${s.entityId}`;
  if (s.securityGroupId !== null) return `SecurityGroupId=${s.securityGroupId}`;
  return 'AllEntities';
}

/** Two subscriptions of a webhook are the same subscription when this key is equal. */
export function subscriptionKey(s: SubscriptionState): string {
  return `${s.eventType} ${subscriptionTarget(s)}${s.enabled ? '' : ' disabled'}`;
}

export const byString =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

/** Sorted, de-duplicated subscriptions: the canonical form of a webhook's subscription set. */
export function subscriptionSet(subscriptions: readonly SubscriptionState[]): SubscriptionState[] {
  const unique = new Map(subscriptions.map((s) => [subscriptionKey(s), s]));
  return [...unique.values()].sort(byString(subscriptionKey));
}

export type ChangeOp = 'create' | 'update' | 'delete';
export type ChangeKind =
  | 'organization'
  | 'webhook'
  | 'subscription'
  | 'security-group'
  | 'security-group-members';

/** One step from the current state to the desired one, readable by a person; never carries a secret. */
export interface Change {
  op: ChangeOp;
  kind: ChangeKind;
  organizationId: string;
  /** Organization id, security group id, webhook Endpoint, or `<Endpoint> <EventType> <target>[ disabled]`. */
  key: string;
  /** The webhook a webhook or subscription change is about. */
  webhookId?: string;
  detail?: string;
}

export function subscriptionChangeKey(endpoint: string, subscription: SubscriptionState): string {
  return `${endpoint} ${subscriptionKey(subscription)}`;
}
