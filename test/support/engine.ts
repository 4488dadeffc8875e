import type { ClaimedDelivery } from '../../src/delivery/engine/ports.js';
import type { WebhookTarget } from '../../src/routing/router.js';

/** The one webhook of the engine's unit tests. */
export const TARGET: WebhookTarget = {
  id: 1,
  webhookId: '7c1f3c2e-5b0a-4f7e-9a51-3d3b8f1e2a90',
  organizationId: 'o',
  endpoint: 'https://receiver.example/hook',
  secret: null,
  insecureSsl: false,
  timeoutMs: 5000,
  retryScheduleSeconds: null,
  enabled: true,
};

/** A pending delivery of that webhook, never attempted, whose payload names its id. */
export const delivery = (id: number): ClaimedDelivery => ({
  id,
  webhookId: 1,
  previousState: 'pending',
  attemptCount: 0,
  eventType: 'UserStatus',
  expiresAt: null,
  payload: `{"n":${id}}`,
});
