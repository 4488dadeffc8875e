import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigDocument } from '../../../src/config/index.js';
import { startGateway } from '../../../src/service/gateway.js';
import { ADMIN, adminCall, codeOf, EDITOR, sha256Hex, VIEWER } from '../../support/admin.js';
import {
  ORG,
  startTestGateway,
  type TestGateway,
  TOKEN,
  testDocument,
  writeConfig,
} from '../../support/gateway.js';

const SCOPED_ADMIN = {
  Name: 'scoped-admin',
  Token: 'scoped-admin-token-0123',
  Role: 'admin',
  Organizations: [ORG],
};
const METRICS = 'metrics-token-0123456789';
const FILE_TOKENS = [ADMIN, EDITOR, VIEWER, SCOPED_ADMIN];

const refusal = (error: unknown): string[] => {
  if (!(error instanceof ConfigError)) throw error;
  return error.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('admin tokens over the API', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await startTestGateway({ adminTokens: FILE_TOKENS, metricsToken: METRICS });
    url = gateway.url as string;
  });
  afterAll(() => gateway.cleanup());

  it('creates a token shown once, stored as its SHA-256 only, that opens the API at once with its role and scope', async () => {
    const created = await adminCall(url, 'POST', '/v1/admin/tokens', {
      body: { Name: 'console', Role: 'viewer', Organizations: [ORG.toUpperCase()] },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const token = created.body.Token as string;
    expect(token).toMatch(/^gwa_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      Name: 'console',
      Role: 'viewer',
      Organizations: [ORG],
      Source: 'api',
      CreatedBy: 'ada',
    });

    const stored = gateway.rows<Record<string, unknown>>('SELECT * FROM admin_tokens');
    expect(stored).toHaveLength(1);
    expect(stored[0]?.token_sha256).toBe(sha256Hex(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    expect((await adminCall(url, 'GET', '/v1/admin/token', { token })).body).toEqual({
      Name: 'console',
      Role: 'viewer',
      Organizations: [ORG],
    });
    // Its role and scope hold: a viewer changes nothing, and sees no other organization.
    const change = await adminCall(url, 'POST', '/v1/admin/organizations', {
      token,
      body: { OrganizationId: ORG },
    });
    expect([change.status, codeOf(change)]).toEqual([403, 'FORBIDDEN']);
    expect((await adminCall(url, 'GET', '/v1/admin/tokens', { token })).status).toBe(403);
  });

  it("lists the file's tokens read-only beside the API's, never a token or a digest", async () => {
    const list = await adminCall(url, 'GET', '/v1/admin/tokens');
    expect(list.status).toBe(200);
    const tokens = list.body.Tokens as { Name: string; Source: string }[];
    expect(tokens.map((t) => `${t.Name}:${t.Source}`)).toEqual([
      'ada:file',
      'console:api',
      'eddie:file',
      'scoped-admin:file',
      'vera:file',
    ]);
    const text = JSON.stringify(list.body);
    for (const t of FILE_TOKENS) {
      expect(text).not.toContain(t.Token);
      expect(text).not.toContain(sha256Hex(t.Token));
    }
    const [row] = gateway.rows<{ token_sha256: string }>('SELECT token_sha256 FROM admin_tokens');
    expect(text).not.toContain(row?.token_sha256);
  });

  it('refuses a Name the file or the API already has, and a bad body, changing nothing', async () => {
    for (const Name of ['ada', 'console']) {
      const taken = await adminCall(url, 'POST', '/v1/admin/tokens', { body: { Name, Role: 'admin' } });
      expect([taken.status, codeOf(taken)]).toEqual([409, 'CONFLICT']);
    }
    const bad = await adminCall(url, 'POST', '/v1/admin/tokens', {
      body: { Name: '', Role: 'root', Organizations: ['nope'], Token: 'chosen-token-0123456789' },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.Error as { Problems: { Path: string }[] }).Problems.map((p) => p.Path).sort()).toEqual([
      '$',
      '$.Name',
      '$.Organizations[0]',
      '$.Role',
    ]);
    // The audit's actor for document changes, in any case or spacing, and names with control characters.
    for (const Name of ['document', ' Document ', 'evil\n{"Actor":"x"}', 'tab\there', 'two  spaces']) {
      const reserved = await adminCall(url, 'POST', '/v1/admin/tokens', { body: { Name, Role: 'admin' } });
      expect([
        reserved.status,
        (reserved.body.Error as { Problems: { Path: string }[] }).Problems[0]?.Path,
      ]).toEqual([400, '$.Name']);
    }
    expect(gateway.rows('SELECT name FROM admin_tokens')).toEqual([{ name: 'console' }]);
  });

  it('is for the admin role with an unscoped token only', async () => {
    for (const token of [EDITOR.Token, VIEWER.Token, SCOPED_ADMIN.Token]) {
      for (const [method, path] of [
        ['GET', '/v1/admin/tokens'],
        ['POST', '/v1/admin/tokens'],
        ['DELETE', '/v1/admin/tokens/console'],
        ['GET', '/v1/admin/gateway'],
      ] as const) {
        const call = await adminCall(url, method, path, {
          token,
          body: method === 'POST' ? { Name: 'x', Role: 'admin' } : undefined,
        });
        expect([method, path, call.status]).toEqual([method, path, 403]);
      }
    }
    expect(gateway.rows('SELECT name FROM admin_tokens')).toEqual([{ name: 'console' }]);
  });

  it('deletes a token of the API, which then opens nothing; a file token is deleted in the file', async () => {
    const created = await adminCall(url, 'POST', '/v1/admin/tokens', {
      body: { Name: 'short-lived', Role: 'editor' },
    });
    const token = created.body.Token as string;
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token })).status).toBe(200);
    // As every DELETE: If-Match the ETag read (428 without it, 412 with another), nothing changed before.
    const bare = await adminCall(url, 'DELETE', '/v1/admin/tokens/short-lived');
    expect([bare.status, codeOf(bare)]).toEqual([428, 'PRECONDITION_REQUIRED']);
    const stale = await adminCall(url, 'DELETE', '/v1/admin/tokens/short-lived', {
      headers: { 'if-match': '"not-this-one"' },
    });
    expect([stale.status, codeOf(stale)]).toEqual([412, 'PRECONDITION_FAILED']);
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token })).status).toBe(200);
    const read = await adminCall(url, 'GET', '/v1/admin/tokens/short-lived');
    expect(read.body).toMatchObject({ Name: 'short-lived', Role: 'editor', Source: 'api' });
    expect(JSON.stringify(read.body)).not.toContain(token);
    const deleted = await adminCall(url, 'DELETE', '/v1/admin/tokens/short-lived', {
      headers: { 'if-match': read.headers.get('etag') as string },
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ Name: 'short-lived', Role: 'editor', Source: 'api' });
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token })).status).toBe(401);

    const file = await adminCall(url, 'DELETE', '/v1/admin/tokens/eddie', { headers: { 'if-match': '*' } });
    expect([file.status, codeOf(file)]).toEqual([409, 'CONFLICT']);
    expect((await adminCall(url, 'GET', '/v1/admin/token', { token: EDITOR.Token })).status).toBe(200);
    const missing = await adminCall(url, 'DELETE', '/v1/admin/tokens/short-lived');
    expect([missing.status, codeOf(missing)]).toEqual([404, 'NOT_FOUND']);
  });

  it('audits each creation and deletion under the acting token, without the token or its digest', async () => {
    const audit = await adminCall(url, 'GET', '/v1/admin/audit?Resource=admin-token');
    const items = audit.body.Items as Record<string, unknown>[];
    expect(items.map((i) => `${i.Action} ${i.ResourceId} by ${i.Actor}`)).toEqual([
      'delete short-lived by ada',
      'create short-lived by ada',
      'create console by ada',
    ]);
    expect(items[2]?.After).toEqual({
      Name: 'console',
      Role: 'viewer',
      Organizations: [ORG],
      CreatedBy: 'ada',
    });
    const [row] = gateway.rows<{ token_sha256: string }>('SELECT token_sha256 FROM admin_tokens');
    expect(JSON.stringify(items)).not.toContain(row?.token_sha256);
  });

  it("refuses a reload whose file takes a stored token's Name, in process and in the configuration thread", async () => {
    const clashing = testDocument(gateway.dbFile, {
      adminTokens: [...FILE_TOKENS, { Name: 'console', Token: 'file-console-token-0123', Role: 'admin' }],
      metricsToken: METRICS,
    });
    const expected = [
      '$.Gateway.AdminTokens[4].Name: is the Name of a token created over the admin API: choose another, or delete that one first (DELETE /v1/admin/tokens/console)',
    ];
    let problems: string[] = [];
    try {
      gateway.reload(parseConfigDocument(clashing));
    } catch (error) {
      problems = refusal(error);
    }
    expect(problems).toEqual(expected);
    problems = [];
    const file = writeConfig(gateway.dir, clashing);
    try {
      await gateway.configuration.reloadFile({ GATEWAY_CONFIG: file });
    } catch (error) {
      problems = refusal(error);
    }
    expect(problems).toEqual(expected);
    expect(
      (await adminCall(url, 'GET', '/v1/admin/token', { token: 'file-console-token-0123' })).status,
    ).toBe(401);
  });

  it('shows the Gateway section in force with its secrets left out', async () => {
    const view = await adminCall(url, 'GET', '/v1/admin/gateway');
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      Listen: '127.0.0.1:0',
      Database: gateway.dbFile,
      MetricsToken: '<redacted>',
      ProducerTokens: { Count: 1, Scoped: 0 },
      AdminTokens: [
        { Name: 'ada', Role: 'admin', Organizations: null },
        { Name: 'eddie', Role: 'editor', Organizations: null },
        { Name: 'vera', Role: 'viewer', Organizations: null },
        { Name: 'scoped-admin', Role: 'admin', Organizations: [ORG] },
      ],
      Delivery: { RetryScheduleSeconds: [0.05, 0.05], MaxInFlightPerEndpoint: 16 },
      Retention: { DeliveredDays: 7 },
    });
    const text = JSON.stringify(view.body);
    for (const secret of [TOKEN, METRICS, ...FILE_TOKENS.map((t) => t.Token)])
      expect(text).not.toContain(secret);
  });
});

describe('admin tokens of the API across restarts', () => {
  it('keep working after a restart; a file that takes their Name does not start', async () => {
    const first = await startTestGateway({ adminTokens: [ADMIN] });
    const created = await adminCall(first.url as string, 'POST', '/v1/admin/tokens', {
      body: { Name: 'ops', Role: 'editor' },
    });
    await first.stop();

    const again = await startGateway({
      config: parseConfigDocument(testDocument(first.dbFile, { adminTokens: [ADMIN] })),
    });
    try {
      const who = await adminCall(again.url as string, 'GET', '/v1/admin/token', {
        token: created.body.Token as string,
      });
      expect(who.body).toEqual({ Name: 'ops', Role: 'editor', Organizations: null });
    } finally {
      await again.stop();
    }

    const clashing = testDocument(first.dbFile, {
      adminTokens: [ADMIN, { Name: 'ops', Token: 'file-ops-token-0123456', Role: 'admin' }],
    });
    let problems: string[] = [];
    await startGateway({ config: parseConfigDocument(clashing) }).then(
      (g) => g.stop(),
      (error: unknown) => {
        problems = refusal(error);
      },
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(['$.Gateway.AdminTokens[1].Name']);
    await first.cleanup();
  });
});
