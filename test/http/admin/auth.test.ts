import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigDocument } from '../../../src/config/index.js';
import { ADMIN, adminCall, codeOf, EDITOR, sha256Hex, VIEWER } from '../../support/admin.js';
import { ORG, startTestGateway, type TestGateway, TOKEN, testDocument } from '../../support/gateway.js';

const HASHED = { Name: 'hashed', TokenSha256: sha256Hex('hashed-token-0123456789'), Role: 'viewer' };
const SCOPED = { Name: 'scoped', Token: 'scoped-token-0123456789', Role: 'editor', Organizations: [ORG] };

describe('admin API authentication', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await startTestGateway({ adminTokens: [ADMIN, EDITOR, VIEWER, HASHED, SCOPED] });
    url = gateway.url as string;
  });
  afterAll(() => gateway.cleanup());

  it('answers who the token is, for a plain token and a SHA-256 one', async () => {
    expect((await adminCall(url, 'GET', '/v1/admin/token')).body).toEqual({
      Name: 'ada',
      Role: 'admin',
      Organizations: null,
    });
    expect(
      (await adminCall(url, 'GET', '/v1/admin/token', { token: 'hashed-token-0123456789' })).body,
    ).toEqual({ Name: 'hashed', Role: 'viewer', Organizations: null });
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token: SCOPED.Token })).body).toEqual({
      Name: 'scoped',
      Role: 'editor',
      Organizations: [ORG],
    });
  });

  it('is 401 without a token, with a wrong one and with a producer token, unknown paths included', async () => {
    for (const path of ['/v1/admin/token', '/v1/admin/no-such-thing']) {
      const none = await adminCall(url, 'GET', path, { token: null });
      expect([none.status, codeOf(none)]).toEqual([401, 'UNAUTHORIZED']);
      expect((await adminCall(url, 'GET', path, { token: 'admin-token-012345678' })).status).toBe(401);
      expect((await adminCall(url, 'GET', path, { token: TOKEN })).status).toBe(401);
      // The digest itself is not a token.
      expect((await adminCall(url, 'GET', path, { token: HASHED.TokenSha256 })).status).toBe(401);
    }
  });

  it('never lets an admin token publish', async () => {
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN.Token}`, 'content-type': 'application/json' },
      body: '[]',
    });
    expect(response.status).toBe(401);
  });

  it('follows a reload: a token added works at once, one removed no longer does', async () => {
    const added = { Name: 'new', Token: 'new-admin-token-0123456789', Role: 'viewer' };
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token: added.Token })).status).toBe(401);
    const document = testDocument(gateway.dbFile, { adminTokens: [ADMIN, added] });
    gateway.reload(parseConfigDocument(document));
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token: added.Token })).status).toBe(200);
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token: EDITOR.Token })).status).toBe(401);
    gateway.reload(
      parseConfigDocument(
        testDocument(gateway.dbFile, { adminTokens: [ADMIN, EDITOR, VIEWER, HASHED, SCOPED] }),
      ),
    );
  });
});

describe('Gateway.AdminTokens validation', () => {
  const problems = (adminTokens: unknown[], producerTokens: unknown[] = []): string[] => {
    try {
      parseConfigDocument({ Gateway: { AdminTokens: adminTokens, ProducerTokens: producerTokens } });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('accepts a token or its digest, with a role and optional organizations', () => {
    expect(problems([ADMIN, HASHED, SCOPED])).toEqual([]);
  });

  it('names every problem with its path', () => {
    expect(problems([{ Name: 'x', Role: 'root', Token: 'short' }])).toEqual([
      '$.Gateway.AdminTokens[0].Token: must be at least 16 characters',
      '$.Gateway.AdminTokens[0].Role: must be one of viewer, editor, admin',
    ]);
    expect(problems([{ Name: 'x', Role: 'viewer' }])).toEqual([
      '$.Gateway.AdminTokens[0]: needs exactly one of Token and TokenSha256',
    ]);
    expect(
      problems([{ Name: 'x', Role: 'viewer', Token: ADMIN.Token, TokenSha256: HASHED.TokenSha256 }]),
    ).toEqual(['$.Gateway.AdminTokens[0]: needs exactly one of Token and TokenSha256']);
    expect(problems([{ Name: 'x', Role: 'viewer', TokenSha256: 'abc' }])).toEqual([
      '$.Gateway.AdminTokens[0].TokenSha256: must be a SHA-256 digest: 64 hex digits',
    ]);
    expect(problems([{ ...ADMIN, Organizations: ['nope'] }])).toEqual([
      '$.Gateway.AdminTokens[0].Organizations[0]: must be a Guid (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ]);
  });

  it('refuses a Name twice, a token twice and a token that is also a producer token', () => {
    expect(problems([ADMIN, { ...EDITOR, Name: 'ada' }])).toEqual([
      '$.Gateway.AdminTokens[1].Name: duplicate Name "ada" (first at $.Gateway.AdminTokens[0].Name)',
    ]);
    expect(problems([ADMIN, { Name: 'b', Role: 'viewer', TokenSha256: sha256Hex(ADMIN.Token) }])).toEqual([
      '$.Gateway.AdminTokens[1].TokenSha256: is the same token as $.Gateway.AdminTokens[0].Token',
    ]);
    expect(problems([ADMIN], [ADMIN.Token])).toEqual([
      '$.Gateway.AdminTokens[0].Token: is also a producer token: admin and producer tokens must differ',
    ]);
    expect(problems([HASHED], [{ Token: 'hashed-token-0123456789', Organizations: [ORG] }])).toEqual([
      '$.Gateway.AdminTokens[0].TokenSha256: is also a producer token: admin and producer tokens must differ',
    ]);
  });
});
