import { describe, expect, it } from 'vitest';
import type { Problem } from '../problems.js';
import { ConfigError } from './config-error.js';
import { parseConfigDocument } from './parse.js';

const ORG = 'FD434D24-F685-431D-8DF5-386B5D5FFA73';
const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';

/** A valid document with one organization and one webhook carrying the given subscriptions. */
function document(subscriptions: unknown[], webhook: Record<string, unknown> = {}, delivery?: unknown) {
  return {
    ...(delivery === undefined ? {} : { Gateway: { Delivery: delivery } }),
    Organizations: [
      {
        OrganizationId: ORG,
        SecurityGroups: [{ SecurityGroupId: GROUP }],
        Webhooks: [
          { Webhook: { Endpoint: 'https://hooks.example.com/in', ...webhook }, Subscriptions: subscriptions },
        ],
      },
    ],
  };
}

function problemsOf(json: unknown): Problem[] {
  try {
    parseConfigDocument(json);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the document to be refused');
}

const SUB = '$.Organizations[0].Webhooks[0].Subscriptions';
const HOOK = '$.Organizations[0].Webhooks[0].Webhook';

describe('parseConfigDocument: defaults', () => {
  it('fills every default of an empty document', () => {
    expect(parseConfigDocument({})).toEqual({
      gateway: {
        Listen: '127.0.0.1:8080',
        Database: './data/gateway.db',
        Postgres: { PoolSize: 10, LeaseSeconds: 30 },
        ProducerTokens: [],
        AdminTokens: [],
        Delivery: {
          RetryScheduleSeconds: [5, 30, 120, 600, 1800, 3600],
          AllowHttp: false,
          AllowAnyPort: false,
          AllowPrivateNetworks: false,
          MaxInFlightPerEndpoint: 16,
        },
        Retention: { DeliveredDays: 7, FailedDays: 30, AttemptsPerDelivery: 20, AuditDays: 365 },
      },
      organizations: [],
    });
  });

  it('takes a postgres:// Database with its settings, and names one that does not parse', () => {
    const parsed = parseConfigDocument({
      Gateway: { Database: 'postgres://gw@db:5432/gw', Postgres: { PoolSize: 4, LeaseSeconds: 5 } },
    });
    expect(parsed.gateway).toMatchObject({
      Database: 'postgres://gw@db:5432/gw',
      Postgres: { PoolSize: 4, LeaseSeconds: 5 },
    });
    expect(problemsOf({ Gateway: { Database: 'postgres://gw@db:port/gw' } }).map((p) => p.path)).toEqual([
      '$.Gateway.Database',
    ]);
    expect(problemsOf({ Gateway: { Postgres: { PoolSize: 1 } } }).map((p) => p.path)).toEqual([
      '$.Gateway.Postgres.PoolSize',
    ]);
  });

  it('normalises an organization: lower-cased Guids, webhook and subscription defaults', () => {
    const parsed = parseConfigDocument(
      document([{ EventType: 'UserStatus', EntityId: ENTITY.toUpperCase() }]),
    );
    expect(parsed.organizations).toEqual([
      {
        organizationId: ORG.toLowerCase(),
        securityGroups: [{ id: GROUP, source: 'config', members: null }],
        webhooks: [
          {
            webhookId: null,
            endpoint: 'https://hooks.example.com/in',
            description: null,
            secret: null,
            insecureSsl: false,
            timeoutSeconds: 5,
            enabled: true,
            retryScheduleSeconds: null,
            subscriptions: [
              {
                eventType: 'UserStatus',
                entityId: ENTITY,
                securityGroupId: null,
                allEntities: false,
                enabled: true,
              },
            ],
          },
        ],
      },
    ]);
  });

  it('accepts fractional retry schedules and a per-webhook override', () => {
    const parsed = parseConfigDocument(
      document(
        [{ EventType: 'UserStatus', AllEntities: true }],
        { RetryScheduleSeconds: [0.05, 0.1] },
        {
          RetryScheduleSeconds: [0.2],
        },
      ),
    );
    expect(parsed.gateway.Delivery.RetryScheduleSeconds).toEqual([0.2]);
    expect(parsed.organizations[0]?.webhooks[0]?.retryScheduleSeconds).toEqual([0.05, 0.1]);
  });
});

describe('parseConfigDocument: problems, each with its JSON path', () => {
  it('refuses an unknown key, a wrong type and a bad Guid, all at once', () => {
    const json = document([{ EventType: 'UserStatus', EntityId: 'not-a-guid' }], {
      Timeout: 5,
      InsecureSSL: 'yes',
    });
    expect(problemsOf(json)).toEqual([
      { path: `${HOOK}.InsecureSSL`, message: expect.stringContaining('expected boolean') },
      { path: HOOK, message: 'Unrecognized key: "Timeout"' },
      { path: `${SUB}[0].EntityId`, message: expect.stringContaining('must be a Guid') },
    ]);
  });

  it('refuses an admin token Name the audit uses for the document, or with control characters', () => {
    const token = (Name: string) => ({ Name, Role: 'admin', Token: `token-of-${Name.length}-0123456789` });
    const json = {
      Gateway: { AdminTokens: [token('DOCUMENT'), token('ok\u0007bell'), token('ada lovelace')] },
    };
    expect(problemsOf(json).map((p) => p.path)).toEqual([
      '$.Gateway.AdminTokens[0].Name',
      '$.Gateway.AdminTokens[1].Name',
    ]);
  });

  it('refuses two targets on one subscription and none on another', () => {
    const json = document([
      { EventType: 'UserStatus', EntityId: ENTITY, AllEntities: true },
      { EventType: 'UserStatus' },
      { EventType: 'UserStatus', AllEntities: false },
    ]);
    expect(problemsOf(json)).toEqual([
      { path: `${SUB}[0]`, message: expect.stringContaining('conflicting targets EntityId and AllEntities') },
      { path: `${SUB}[1]`, message: expect.stringContaining('needs a target') },
      { path: `${SUB}[2]`, message: expect.stringContaining('needs a target') },
    ]);
  });

  it('suggests the closest EventType on a typo, and still checks the target', () => {
    const json = document([{ EventType: 'QueueCallInConnected' }]);
    expect(problemsOf(json)).toEqual([
      {
        path: `${SUB}[0].EventType`,
        message: 'Unknown EventType "QueueCallInConnected". Did you mean "QueueCallInUserConnected"?',
      },
      { path: `${SUB}[0]`, message: expect.stringContaining('needs a target') },
    ]);
  });

  it('refuses an http endpoint unless AllowHttp, and a port other than 443 unless AllowAnyPort', () => {
    const subs = [{ EventType: 'UserStatus', AllEntities: true }];
    const http = { Endpoint: 'http://hooks.example.com/in' };
    expect(problemsOf(document(subs, http))).toEqual([
      { path: `${HOOK}.Endpoint`, message: expect.stringContaining('must use https') },
    ]);
    expect(problemsOf(document(subs, http, { AllowAnyPort: true }))).toEqual([
      { path: `${HOOK}.Endpoint`, message: expect.stringContaining('must use https') },
    ]);
    const relaxed = { AllowHttp: true, AllowAnyPort: true };
    expect(parseConfigDocument(document(subs, http, relaxed)).organizations).toHaveLength(1);
    const port = { Endpoint: 'https://hooks.example.com:8443/in' };
    expect(problemsOf(document(subs, port))).toEqual([
      { path: `${HOOK}.Endpoint`, message: expect.stringContaining('port 8443 is not allowed') },
    ]);
    expect(parseConfigDocument(document(subs, port, { AllowAnyPort: true })).organizations).toHaveLength(1);
  });

  it('refuses a SecurityGroupId the organization does not declare', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const json = document([
      { EventType: 'UserStatus', SecurityGroupId: GROUP.toUpperCase() },
      { EventType: 'UserStatus', SecurityGroupId: other },
    ]);
    expect(problemsOf(json)).toEqual([
      {
        path: `${SUB}[1].SecurityGroupId`,
        message: `SecurityGroupId "${other}" is not declared in this organization's SecurityGroups`,
      },
    ]);
  });

  it('refuses duplicate OrganizationId, Endpoint and SecurityGroupId, comparing Guids without case', () => {
    const webhook = { Webhook: { Endpoint: 'https://a.example.com/' } };
    const org = {
      OrganizationId: ORG,
      SecurityGroups: [{ SecurityGroupId: GROUP }, { SecurityGroupId: GROUP.toUpperCase() }],
      Webhooks: [webhook, webhook],
    };
    expect(problemsOf({ Organizations: [org, { OrganizationId: ORG.toLowerCase() }] })).toEqual([
      {
        path: '$.Organizations[0].SecurityGroups[1].SecurityGroupId',
        message: `duplicate SecurityGroupId "${GROUP.toUpperCase()}" (first at $.Organizations[0].SecurityGroups[0].SecurityGroupId)`,
      },
      {
        path: '$.Organizations[0].Webhooks[1].Webhook.Endpoint',
        message:
          'duplicate Endpoint "https://a.example.com/" (first at $.Organizations[0].Webhooks[0].Webhook.Endpoint)',
      },
      {
        path: '$.Organizations[1].OrganizationId',
        message: `duplicate OrganizationId "${ORG.toLowerCase()}" (first at $.Organizations[0].OrganizationId)`,
      },
    ]);
  });

  it('checks the Gateway section: Listen, limits, retry schedule', () => {
    const json = {
      Gateway: {
        Listen: '8080',
        Delivery: { MaxInFlightPerEndpoint: 0, RetryScheduleSeconds: [5, -1], TimeoutSeconds: 3 },
      },
    };
    expect(problemsOf(json).map((p) => p.path)).toEqual([
      '$.Gateway.Listen',
      '$.Gateway.Delivery.RetryScheduleSeconds[1]',
      '$.Gateway.Delivery.MaxInFlightPerEndpoint',
      '$.Gateway.Delivery',
    ]);
  });

  it('refuses a webhook timeout above 60 seconds and a document that is not an object', () => {
    const subs = [{ EventType: 'UserStatus', AllEntities: true }];
    expect(problemsOf(document(subs, { TimeoutSeconds: 61 })).map((p) => p.path)).toEqual([
      `${HOOK}.TimeoutSeconds`,
    ]);
    expect(problemsOf([])).toEqual([{ path: '$', message: expect.stringContaining('expected object') }]);
  });

  it('never puts a webhook Secret in a problem message', () => {
    const json = document([{ EventType: 'Nope' }], { Secret: 'TopSecretValue', Endpoint: 'http://x/' });
    const error = (() => {
      try {
        parseConfigDocument({ ...json, Unknown: 1 });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.length).toBeGreaterThan(2);
    expect(error.message).not.toContain('TopSecretValue');
  });
});
