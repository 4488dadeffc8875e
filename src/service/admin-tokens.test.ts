import { describe, expect, it } from 'vitest';
import type { GatewaySection, StoredAdminToken } from '../config/index.js';
import { silentLogger } from '../log/logger.js';
import { AdminTokenRegistry, type StoredAdminTokens } from './admin-tokens.js';

const token: StoredAdminToken = {
  name: 'made-elsewhere',
  tokenSha256: 'ab'.repeat(32),
  role: 'viewer',
  organizations: null,
  createdAt: 0,
  createdBy: 'ada',
};
const gateway = { AdminTokens: [], ProducerTokens: [] } as unknown as GatewaySection;

describe('AdminTokenRegistry.reload', () => {
  it('keeps the read started last when reads overlap: a stale read does not bring a deleted token back', async () => {
    const answers: ((tokens: StoredAdminToken[]) => void)[] = [];
    const store: StoredAdminTokens = {
      read: () => new Promise((resolve) => answers.push(resolve)),
      insert: async () => true,
      delete: async () => null,
    };
    const registry = new AdminTokenRegistry(store, [token], gateway, silentLogger());
    const stale = registry.reload(); // began before the deletion committed
    const fresh = registry.reload(); // began after it
    answers[1]?.([]);
    await fresh;
    answers[0]?.([token]);
    await stale;
    expect(registry.inForce().map((t) => t.Name)).toEqual([]);
    expect(await registry.list()).toEqual([]);
  });
});
