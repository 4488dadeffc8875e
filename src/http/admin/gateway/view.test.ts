import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../../config/index.js';
import { gatewayView } from './view.js';

describe('the Gateway section shown over the admin API', () => {
  it('leaves out every token, secret and database password', () => {
    const { gateway } = parseConfigDocument({
      Gateway: {
        ProducerTokens: [
          'producer-secret-1',
          { Token: 'producer-secret-2', Organizations: ['fd434d24-f685-431d-8df5-386b5d5ffa73'] },
        ],
        AdminTokens: [{ Name: 'ada', Token: 'admin-secret-0123456', Role: 'admin' }],
      },
    });
    const view = gatewayView({
      ...gateway,
      Database: 'postgres://gw:db-secret@db.internal:5432/gateway',
      MetricsToken: 'metrics-secret-0123',
    } as typeof gateway);
    expect(view).toMatchObject({
      Database: 'postgres://gw:%3Credacted%3E@db.internal:5432/gateway',
      MetricsToken: '<redacted>',
      ProducerTokens: { Count: 2, Scoped: 1 },
      AdminTokens: [{ Name: 'ada', Role: 'admin', Organizations: null }],
    });
    expect(JSON.stringify(view)).not.toMatch(/secret/);
  });
});
