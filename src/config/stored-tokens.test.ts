import { describe, expect, it } from 'vitest';
import type { StoredAdminToken } from '../store/config/admin-tokens.js';
import { storedTokenProblems, tokenSha256, tokensInForce } from './stored-tokens.js';

const stored = (name: string, token: string): StoredAdminToken => ({
  name,
  tokenSha256: tokenSha256(token),
  role: 'editor',
  organizations: null,
  createdAt: 0,
  createdBy: 'ada',
});

describe('tokens created over the API beside the file', () => {
  it('are in force after the file tokens, unless they clash with one (the race of a create with a reload)', () => {
    const file = {
      admin: [{ Name: 'ops', Token: 'file-ops-token-0123', Role: 'admin' as const }],
      producer: ['producer-token'],
    };
    const { tokens, left } = tokensInForce(file, [
      stored('ops', 'api-ops-token-01234'),
      stored('same-as-producer', 'producer-token'),
      stored('same-as-file', 'file-ops-token-0123'),
      stored('console', 'console-token-01234'),
    ]);
    expect(tokens.map((t) => t.Name)).toEqual(['ops', 'console']);
    expect(tokens[1]).toEqual({
      Name: 'console',
      TokenSha256: tokenSha256('console-token-01234'),
      Role: 'editor',
    });
    expect(left).toEqual(['ops', 'same-as-producer', 'same-as-file']);
  });

  it("name each file token that takes a stored token's Name or token", () => {
    const gateway = {
      AdminTokens: [
        { Name: 'console', Token: 'other-token-0123456', Role: 'admin' as const },
        { Name: 'x', TokenSha256: tokenSha256('console-token-01234').toUpperCase(), Role: 'viewer' as const },
      ],
      ProducerTokens: [{ Token: 'console-token-01234', Organizations: ['a'] }],
    } as never;
    expect(
      storedTokenProblems(gateway, [stored('console', 'console-token-01234')]).map((p) => p.path),
    ).toEqual([
      '$.Gateway.AdminTokens[0].Name',
      '$.Gateway.AdminTokens[1].TokenSha256',
      '$.Gateway.ProducerTokens[0].Token',
    ]);
  });
});
