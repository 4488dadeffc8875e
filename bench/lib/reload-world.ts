/**
 * The configuration of a large deployment, for the reload scenario: ORGANIZATIONS organizations, each
 * with WEBHOOKS_PER_ORG webhooks of SUBSCRIPTIONS_PER_WEBHOOK subscriptions (AllEntities, EntityId and
 * SecurityGroupId targets mixed) and one security group. The first organization's group has its members
 * from producers, so the scenario can PUT BIG_GROUP members into it.
 */
export const ORGANIZATIONS = 1_000;
export const WEBHOOKS_PER_ORG = 10;
export const SUBSCRIPTIONS_PER_WEBHOOK = 10;
export const BIG_GROUP = 100_000;

const TYPES = [
  'UserStatus',
  'QueueCallInArrived',
  'QueueCallInUserAllocated',
  'QueueCallInUserConnected',
  'QueueCallInUserCancelled',
  'CallbackChanged',
  'UserCallInArrived',
  'UserCallInDisconnected',
  'QueueStatus',
  'UserAvailability',
];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** Deterministic Guids, so two documents of the same world name the same things. */
export const guid = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

export const organizationId = (o: number) => guid(1, o);
export const groupId = (o: number) => guid(2, o);
export const webhookId = (o: number, w: number) => guid(3, o * WEBHOOKS_PER_ORG + w);

export interface WorldOptions {
  timeoutOf?: (o: number, w: number) => number;
  /** The members the document lists for the second organization's group (2 by default). */
  documentGroup?: string[];
}

export function reloadWorld(dbFile: string, options: WorldOptions = {}) {
  const timeoutOf = options.timeoutOf ?? (() => 5);
  const organizations = Array.from({ length: ORGANIZATIONS }, (_, o) => ({
    OrganizationId: organizationId(o),
    SecurityGroups: [
      o === 0
        ? { SecurityGroupId: groupId(o) }
        : {
            SecurityGroupId: groupId(o),
            EntityIds:
              o === 1 && options.documentGroup ? options.documentGroup : [guid(4, o * 2), guid(4, o * 2 + 1)],
          },
    ],
    Webhooks: Array.from({ length: WEBHOOKS_PER_ORG }, (_, w) => ({
      Webhook: {
        WebhookId: webhookId(o, w),
        Endpoint: `https://hooks-${o}.example.com/webhook/${w}`,
        TimeoutSeconds: timeoutOf(o, w),
      },
      Subscriptions: Array.from({ length: SUBSCRIPTIONS_PER_WEBHOOK }, (_, s) => {
        const EventType = TYPES[s] as string;
        if (s % 3 === 0) return { EventType, AllEntities: true };
        if (s % 3 === 1) return { EventType, EntityId: guid(5, (o * WEBHOOKS_PER_ORG + w) * 10 + s) };
        return { EventType, SecurityGroupId: groupId(o) };
      }),
    })),
  }));
  return {
    Gateway: {
      Listen: '127.0.0.1:0',
      Database: dbFile,
      ProducerTokens: ['bench-token'],
      Delivery: { AllowHttp: true, AllowAnyPort: true, AllowPrivateNetworks: true },
    },
    Organizations: organizations,
  };
}

/** The big group's members. */
export const bigGroupMembers = (offset = 0) =>
  Array.from({ length: BIG_GROUP }, (_, i) => guid(6, i + offset));
