/**
 * The admin API's answers as the console reads them (the API's OpenAPI document is the reference; the
 * console declares only the fields it shows, so it does not import the HTTP layer).
 */
export interface Page<T> {
  Items: T[];
  NextCursor: string | null;
}

export interface Organization {
  OrganizationId: string;
}

export interface Webhook {
  WebhookId: string;
  Endpoint: string;
  InsecureSSL: boolean;
  HasSecret: boolean;
  Description: string | null;
  TimeoutSeconds: number;
  Enabled: boolean;
  RetryScheduleSeconds: number[] | null;
}

export interface Subscription {
  SubscriptionId: string;
  EventType: string;
  EntityId?: string;
  SecurityGroupId?: string;
  AllEntities?: true;
  Enabled: boolean;
}

export interface Attempt {
  AttemptNo: number;
  StartedAt: string;
  DurationMs: number;
  StatusCode: number | null;
  ErrorClass: string | null;
  ErrorMessage: string | null;
  ResponseSnippet: string | null;
}

export interface EventSummary {
  Id: string;
  OrganizationId: string;
  EventType: string;
  EntityId: string;
  Timestamp: string;
  AcceptedAt: string;
  Matched: number;
  Deliveries: Record<string, number>;
}

export interface SubscriptionVerdict {
  WebhookId: string;
  Endpoint: string;
  Target: string;
  WebhookEnabled: boolean;
  Matches: boolean;
  Reasons: string[];
  Note: string | null;
}

export interface EventTrace {
  Event: EventSummary | null;
  Pruned: { AcceptedAt: string; PrunedAt: string; RetentionDays: number } | null;
  Deliveries: {
    DeliveryId: number;
    WebhookId: string;
    Endpoint: string;
    Description: string | null;
    State: string;
    AttemptCount: number;
    NextAttemptAt: string | null;
    Attempts: Attempt[];
  }[];
  Subscriptions: SubscriptionVerdict[];
  Text: string[];
}

export interface DeliverySummary {
  DeliveryId: number;
  EventId: string;
  EventType: string;
  EntityId: string;
  WebhookId: string;
  State: string;
  AttemptCount: number;
  CreatedAt: string;
  NextAttemptAt: string | null;
  LastAttemptAt: string | null;
  LastStatus: number | null;
  LastErrorClass: string | null;
  FinishedAt: string | null;
}

interface HealthWindow {
  Attempts: number;
  SuccessRate: number | null;
  P50Ms: number | null;
  P99Ms: number | null;
}

export interface Health {
  Breaker: string;
  InFlight: number;
  Waiting: number;
  OldestWaitingAgeSeconds: number | null;
  Last5Minutes: HealthWindow;
  LastHour: HealthWindow;
  LastSuccessAt: string | null;
  LastFailure: { At: string; StatusCode: number | null; ErrorClass: string | null } | null;
}

export interface Job {
  JobId: string;
  OrganizationId: string;
  WebhookId: string;
  State: string;
  Done: number;
  Total: number;
  States: string[];
  Since: string;
  Until: string;
  Error: string | null;
}

export interface TestAttempt {
  EventId: string;
  EventType: string;
  Endpoint: string;
  Ok: boolean;
  StartedAt: string;
  DurationMs: number;
  StatusCode: number | null;
  ErrorClass: string | null;
  ErrorMessage: string | null;
  ResponseSnippet: string | null;
}

export interface Explanation {
  /** An event of this Id was already accepted: publishing it again is acknowledged and sends nothing. */
  Duplicate?: boolean;
  WouldReceive: { WebhookId: string; Endpoint: string; Held: boolean }[];
  Subscriptions: SubscriptionVerdict[];
}

export const DELIVERY_STATES = [
  'pending',
  'in_flight',
  'retrying',
  'paused',
  'delivered',
  'discarded',
  'expired',
  'cancelled',
] as const;

export const RECOVERABLE_STATES = ['discarded', 'expired', 'cancelled', 'delivered'] as const;

/** API paths, in one place. */
const enc = encodeURIComponent;
export const paths = {
  organizations: '/v1/admin/organizations',
  webhooks: (org: string) => `/v1/admin/organizations/${enc(org)}/webhooks`,
  webhook: (org: string, id: string) => `/v1/admin/organizations/${enc(org)}/webhooks/${enc(id)}`,
  secret: (org: string, id: string) => `${paths.webhook(org, id)}/secret`,
  subscriptions: (org: string, id: string) => `${paths.webhook(org, id)}/subscriptions`,
  subscription: (org: string, id: string, sub: string) => `${paths.subscriptions(org, id)}/${enc(sub)}`,
  health: (org: string, id: string) => `${paths.webhook(org, id)}/health`,
  deliveries: (org: string, id: string) => `${paths.webhook(org, id)}/deliveries`,
  test: (org: string, id: string) => `${paths.webhook(org, id)}/test`,
  recover: (org: string, id: string) => `${paths.webhook(org, id)}/recover`,
  events: '/v1/admin/events',
  event: (id: string) => `/v1/admin/events/${enc(id)}`,
  redeliver: (delivery: number | string) => `/v1/admin/deliveries/${enc(String(delivery))}/redeliver`,
  job: (id: string) => `/v1/admin/jobs/${enc(id)}`,
  cancelJob: (id: string) => `/v1/admin/jobs/${enc(id)}/cancel`,
  explain: (org: string) => `/v1/admin/organizations/${enc(org)}/explain`,
  sample: (org: string, eventType: string) =>
    `/v1/admin/organizations/${enc(org)}/event-types/${enc(eventType)}/sample`,
  audit: '/v1/admin/audit',
  eventType: (eventType: string) => `/v1/event-types/${enc(eventType)}`,
};
