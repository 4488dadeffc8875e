import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type GatewayDatabase, openDatabase } from '../../src/store/database.js';

export const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';
export const OTHER_ORG = '0b0e2d6e-3a1c-4c55-9d7e-0a4c2f1b9e11';
export const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
export const ENTITY = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
export const ENTITY_2 = '6cb31d7d-9cd9-41dc-a096-62cf31fd0281';
export const SECRET = 'TopSecretValue-7f3a';

/** Opens gateway databases in fresh temp folders, all closed and removed after each test. */
export function useTempDatabases(): () => GatewayDatabase {
  const opened: { g: GatewayDatabase; dir: string }[] = [];
  afterEach(() => {
    for (const { g, dir } of opened.splice(0)) {
      g.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
    const g = openDatabase(join(dir, 'gateway.db'));
    opened.push({ g, dir });
    return g;
  };
}

/** The README's example organization: one group with a member, one webhook with three subscriptions. */
export function sampleDocument() {
  return {
    Organizations: [
      {
        OrganizationId: ORG.toUpperCase(),
        SecurityGroups: [{ SecurityGroupId: GROUP, EntityIds: [ENTITY] }],
        Webhooks: [
          {
            Webhook: {
              Endpoint: 'https://crm.example.com/webhook/',
              Secret: SECRET,
              Description: 'CRM',
              TimeoutSeconds: 5,
            },
            Subscriptions: [
              { EventType: 'QueueCallInUserConnected', AllEntities: true },
              { EventType: 'UserStatus', SecurityGroupId: GROUP },
              { EventType: 'CallbackChanged', EntityId: ENTITY },
            ] as Record<string, unknown>[],
          },
          {
            Webhook: { Endpoint: 'https://bi.example.com/in', RetryScheduleSeconds: [1, 2] },
            Subscriptions: [{ EventType: 'UserStatus', AllEntities: true, Enabled: false }] as Record<
              string,
              unknown
            >[],
          },
        ],
      },
    ],
  };
}
