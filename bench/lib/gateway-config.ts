import { BENCH_ORG, BENCH_TOKEN } from './bench-events.js';
import { PER_ENDPOINT } from './scenario.js';

export interface BenchWebhook {
  endpoint: string;
  /** The production default is 5 s. */
  timeoutSeconds?: number;
}

/**
 * The configuration document of a bench gateway: one organization whose webhooks each subscribe to
 * UserStatus for all entities, the production retry schedule and timeouts, and the development flags
 * that let it deliver to plain HTTP on loopback ports.
 */
export function benchDocument(
  dbFile: string,
  webhooks: readonly BenchWebhook[],
  gateway: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    Gateway: {
      ...gateway,
      Listen: '127.0.0.1:0',
      Database: dbFile,
      ProducerTokens: [BENCH_TOKEN],
      Delivery: {
        AllowHttp: true,
        AllowAnyPort: true,
        AllowPrivateNetworks: true,
        MaxInFlightPerEndpoint: PER_ENDPOINT,
      },
    },
    Organizations: [
      {
        OrganizationId: BENCH_ORG,
        Webhooks: webhooks.map((w) => ({
          Webhook: { Endpoint: w.endpoint, TimeoutSeconds: w.timeoutSeconds ?? 5 },
          Subscriptions: [{ EventType: 'UserStatus', AllEntities: true }],
        })),
      },
    ],
  };
}

export function loopbackUrl(port: number, path = '/'): string {
  return `http://127.0.0.1:${port}${path}`;
}
