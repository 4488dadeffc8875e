import { z } from 'zod';
import { tokenNameProblem } from './actors.js';
import { crossReferenceIssues } from './cross-references.js';
import { eventTypeProblem } from './event-type.js';
import { LISTEN_FORMAT, parseListen } from './listen.js';

/**
 * The configuration document, validated strictly: an unknown key anywhere is an error, so a misspelt
 * option is reported instead of silently ignored. Guids keep the case they were written in here; they are
 * lower-cased when the document becomes a desired state (see parse.ts).
 */

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Rules spanning several keys must run even when a sibling key is invalid, so every problem is reported
// in one pass; they only need the value to be an object.
const whenObject = { when: (payload: { value: unknown }) => isRecord(payload.value) };

const guid = z.guid({ error: 'must be a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)' });

export const DEFAULT_RETRY_SCHEDULE_SECONDS = [5, 30, 120, 600, 1800, 3600];

const retryScheduleSeconds = z.array(z.number().positive().finite()).max(20);

const deliverySchema = z.strictObject({
  RetryScheduleSeconds: retryScheduleSeconds.default(DEFAULT_RETRY_SCHEDULE_SECONDS),
  AllowHttp: z.boolean().default(false),
  AllowAnyPort: z.boolean().default(false),
  AllowPrivateNetworks: z.boolean().default(false),
  MaxInFlightPerEndpoint: z.int().min(1).max(1000).default(16),
});

/** How long finished deliveries, their attempts and their events are kept; fractions of days allowed. */
const retentionSchema = z.strictObject({
  DeliveredDays: z.number().positive().finite().default(7),
  /** For deliveries discarded, expired or cancelled. */
  FailedDays: z.number().positive().finite().default(30),
  /** Attempt rows kept per delivery: the newest. */
  AttemptsPerDelivery: z.int().min(1).max(1000).default(20),
  /** Audit log entries (configuration changes, who made them) are kept this long. */
  AuditDays: z.number().positive().finite().default(365),
});
/** The PostgreSQL store's settings (Database a postgres:// URL). */
const postgresSchema = z.strictObject({
  /** Connections this instance keeps open to the database. */
  PoolSize: z.int().min(2).max(100).default(10),
  /** How long a delivery in flight stays this instance's without renewal: past it, another takes it over. */
  LeaseSeconds: z.number().min(1).max(3600).default(30),
});

/** A plain string may publish for every organization; the object form only for the ones it lists. */
const producerTokenSchema = z.union(
  [z.string().min(1), z.strictObject({ Token: z.string().min(1), Organizations: z.array(guid).min(1) })],
  { error: 'must be a token string or {"Token": "...", "Organizations": ["<OrganizationId>", ...]}' },
);
export type ProducerTokenDocument = z.output<typeof producerTokenSchema>;

export const ADMIN_ROLES = ['viewer', 'editor', 'admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** An admin token's Name: the audit log's "who", so never an actor the audit uses for anything else. */
export function adminTokenName() {
  return z
    .string()
    .min(1)
    .max(100)
    .superRefine((name, ctx) => {
      const problem = name === '' ? undefined : tokenNameProblem(name);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * A token of the admin API (/v1/admin): viewer reads, editor also changes organizations' configuration,
 * admin also the whole document. Given as the token itself or as its SHA-256 in hex, so the document
 * need not hold the secret. Organizations confines it to those tenants.
 */
export const adminTokenSchema = z
  .strictObject({
    Name: adminTokenName(),
    Token: z.string().min(16, 'must be at least 16 characters').optional(),
    TokenSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 digest: 64 hex digits')
      .optional(),
    Role: z.enum(ADMIN_ROLES, { error: 'must be one of viewer, editor, admin' }),
    Organizations: z.array(guid).min(1).optional(),
  })
  .superRefine((token, ctx) => {
    const given = (token.Token === undefined ? 0 : 1) + (token.TokenSha256 === undefined ? 0 : 1);
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'needs exactly one of Token and TokenSha256' });
  }, whenObject);
export type AdminTokenDocument = z.output<typeof adminTokenSchema>;

export const gatewaySchema = z.strictObject({
  Listen: z
    .string()
    .refine((text) => parseListen(text) !== null, LISTEN_FORMAT)
    .default('127.0.0.1:8080'),
  /** A SQLite file, or a postgres:// URL: several instances then share one PostgreSQL database. */
  Database: z
    .string()
    .min(1)
    .refine((text) => !/^postgres(ql)?:/i.test(text) || URL.canParse(text), {
      error: 'must be a SQLite file path or a postgres://user@host:port/database URL',
    })
    .default('./data/gateway.db'),
  /** Used only when Database is a postgres:// URL. */
  Postgres: postgresSchema.prefault({}),
  ProducerTokens: z.array(producerTokenSchema).default([]),
  /** Tokens of the admin API; none means the admin API answers 401 to everyone. */
  AdminTokens: z.array(adminTokenSchema).default([]),
  /** Bearer token GET /metrics asks for; without it /metrics is open to whoever reaches Listen. */
  MetricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
  Delivery: deliverySchema.prefault({}),
  Retention: retentionSchema.prefault({}),
  /** The support console at /console. */
  Console: z
    .strictObject({
      /**
       * Behind a proxy that ends TLS: believe its X-Forwarded-Proto about the scheme the browser used (the
       * session cookie is then Secure, and forms posted from https pages are this origin). Only when every
       * request comes through that proxy: anyone reaching the gateway directly could send the header.
       */
      TrustForwardedProto: z.boolean().default(false),
    })
    .optional(),
});

export const securityGroupSchema = z.strictObject({
  SecurityGroupId: guid,
  /** When given, the document owns the membership; when left out, producers maintain it. */
  EntityIds: z.array(guid).optional(),
});

const TARGET_KEYS = ['EntityId', 'SecurityGroupId', 'AllEntities'] as const;

export const subscriptionSchema = z
  .strictObject({
    EventType: z.string().superRefine((name, ctx) => {
      const problem = eventTypeProblem(name);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    EntityId: guid.optional(),
    SecurityGroupId: guid.optional(),
    AllEntities: z.boolean().optional(),
    Enabled: z.boolean().default(true),
  })
  .superRefine((subscription, ctx) => {
    const given = TARGET_KEYS.filter((key) =>
      key === 'AllEntities' ? subscription.AllEntities === true : subscription[key] !== undefined,
    );
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      message:
        given.length === 0
          ? 'needs a target: one of EntityId, SecurityGroupId or AllEntities: true'
          : `has conflicting targets ${given.join(' and ')}: give exactly one of EntityId, SecurityGroupId or AllEntities: true`,
    });
  }, whenObject);

export const webhookSchema = z.strictObject({
  /** The webhook's stable identity; assigned on first apply when left out (export writes it). */
  WebhookId: guid.optional(),
  Endpoint: z.string().min(1),
  InsecureSSL: z.boolean().default(false),
  Secret: z.string().min(1).optional(),
  Description: z.string().optional(),
  TimeoutSeconds: z.number().positive().max(60).default(5),
  Enabled: z.boolean().default(true),
  /** Overrides Gateway.Delivery.RetryScheduleSeconds for this webhook. */
  RetryScheduleSeconds: retryScheduleSeconds.optional(),
});

const webhookEntrySchema = z.strictObject({
  Webhook: webhookSchema,
  Subscriptions: z.array(subscriptionSchema).default([]),
});

const organizationSchema = z.strictObject({
  OrganizationId: guid,
  SecurityGroups: z.array(securityGroupSchema).default([]),
  Webhooks: z.array(webhookEntrySchema).default([]),
});

export const configDocumentSchema = z
  .strictObject({
    /** Lets editors find a JSON schema for the document; ignored by the gateway. */
    $schema: z.string().optional(),
    Gateway: gatewaySchema.prefault({}),
    Organizations: z.array(organizationSchema).default([]),
  })
  .superRefine((document, ctx) => {
    for (const issue of crossReferenceIssues(document)) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
    }
  }, whenObject);

export type ConfigDocument = z.output<typeof configDocumentSchema>;
export type ConfigDocumentInput = z.input<typeof configDocumentSchema>;
export type GatewaySection = ConfigDocument['Gateway'];
export type DeliverySection = GatewaySection['Delivery'];
export type RetentionSection = GatewaySection['Retention'];
export type OrganizationDocument = ConfigDocument['Organizations'][number];
export type WebhookEntryDocument = OrganizationDocument['Webhooks'][number];
export type WebhookDocument = WebhookEntryDocument['Webhook'];
export type SubscriptionDocument = WebhookEntryDocument['Subscriptions'][number];
export type SecurityGroupDocument = OrganizationDocument['SecurityGroups'][number];
