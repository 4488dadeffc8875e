import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/catalogue/json-depth.js';
import { MAX_MEMBERS_BODY_BYTES } from '../../src/http/routes/security-groups/put.js';
import { specEvent } from '../support/events.js';
import {
  ORG,
  OTHER_ORG,
  organization,
  startTestGateway,
  type TestGateway,
  TOKEN,
} from '../support/gateway.js';

/**
 * What a hostile or careless producer sends, each answered with a 4xx naming the path or setting, and
 * afterwards the gateway is still ready and nothing refused was stored.
 */

const SCOPED = 'scoped-producer-token';
const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    producerTokens: [TOKEN, { Token: SCOPED, Organizations: [ORG.toUpperCase()] }] as unknown as string[],
    organizations: [
      organization(ORG, [{ endpoint: 'http://127.0.0.1:9/hook', eventTypes: ['UserStatus'] }]),
      organization(OTHER_ORG, [{ endpoint: 'http://127.0.0.1:9/other', eventTypes: ['UserStatus'] }]),
    ],
  });
});
afterAll(() => gw.cleanup());

interface Case {
  name: string;
  method?: 'POST' | 'PUT';
  path?: string;
  token?: string | null;
  contentType?: string | null;
  body: string | Uint8Array | (() => string | Uint8Array);
  status: number;
  code: string;
  /** The Problems' paths, when the answer names them. */
  paths?: string[];
  /** A part of the message or of a problem's message. */
  says?: string;
}

const json = (value: unknown) => JSON.stringify(value);
const event = (org = ORG, extra: Record<string, unknown> = {}) =>
  specEvent('UserStatus', org, randomUUID(), extra);
const groupPath = (org = ORG) => `/v1/organizations/${org}/security-groups/${GROUP}`;

function deeplyNested(levels: number): string {
  // Built as text: an object this deep is what the producer sends, not something JSON.stringify could write.
  const base = json(event()).slice(0, -1);
  return `${base},"Unknown":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
}

function invalidUtf8(): Uint8Array {
  const text = json(event(ORG, { Note: 'XX' }));
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.indexOf('XX');
  bytes[at] = 0xc3; // a lead byte followed by an ASCII byte: not UTF-8
  bytes[at + 1] = 0x28;
  return bytes;
}

const mismatchedOrg = () => json(event(ORG, { OrganizationId: OTHER_ORG }));
const mismatchedEntity = () => json([event(), event(ORG, { UserId: randomUUID() })]);

const CASES: Case[] = [
  {
    name: 'no Content-Type',
    contentType: null,
    body: () => json(event()),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    says: 'Content-Type is missing',
  },
  {
    name: 'application/json-seq',
    contentType: 'application/json-seq',
    body: () => json(event()),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'text/plain',
    contentType: 'text/plain',
    body: () => json(event()),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'invalid UTF-8', body: invalidUtf8, status: 400, code: 'BAD_REQUEST', paths: ['$'], says: 'UTF-8' },
  { name: 'not JSON', body: '{"Id": ', status: 400, code: 'BAD_REQUEST', paths: ['$'] },
  {
    name: 'an unknown property nested 5,000 levels deep',
    body: () => deeplyNested(5000),
    status: 400,
    code: 'BAD_REQUEST',
    says: `limit of ${MAX_JSON_DEPTH} levels`,
  },
  {
    name: 'RootEntityId of one organization, OrganizationId of another',
    body: mismatchedOrg,
    status: 400,
    code: 'INVALID_EVENT',
    paths: ['$.RootEntityId', '$.OrganizationId'],
  },
  {
    name: 'an EntityId other than the UserId, in a batch',
    body: mismatchedEntity,
    status: 400,
    code: 'INVALID_EVENT',
    paths: ['$[1].EntityId', '$[1].UserId'],
  },
  {
    name: 'a scoped token publishing for an organization outside its scope, in a batch',
    token: SCOPED,
    body: () => json([event(), event(OTHER_ORG)]),
    status: 403,
    code: 'FORBIDDEN',
    paths: ['$[1].RootEntityId'],
  },
  {
    name: 'a scoped token publishing one event outside its scope',
    token: SCOPED,
    body: () => json(event(OTHER_ORG)),
    status: 403,
    code: 'FORBIDDEN',
    paths: ['$.RootEntityId'],
  },
  { name: 'an unknown token', token: 'nope', body: () => json(event()), status: 401, code: 'UNAUTHORIZED' },
  { name: 'no token', token: null, body: () => json(event()), status: 401, code: 'UNAUTHORIZED' },
  {
    name: 'an events body over 1 MiB',
    body: () => json([event(ORG, { Padding: 'x'.repeat(1024 * 1024) })]),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  { name: 'an empty batch', body: '[]', status: 400, code: 'BAD_REQUEST', paths: ['$'] },
  {
    name: 'a group PUT by a scoped token outside its scope',
    method: 'PUT',
    path: groupPath(OTHER_ORG),
    token: SCOPED,
    body: json({ EntityIds: [randomUUID()] }),
    status: 403,
    code: 'FORBIDDEN',
    paths: ['$.OrganizationId'],
  },
  {
    name: 'a group PUT body over its limit (100 MiB sent)',
    method: 'PUT',
    path: groupPath(),
    body: () => `{"EntityIds": [${`"${randomUUID()}",`.repeat((100 * 1024 * 1024) / 39)}"${randomUUID()}"]}`,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'a group PUT without Content-Type',
    method: 'PUT',
    path: groupPath(),
    contentType: null,
    body: json({ EntityIds: [] }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a group PUT nested too deep',
    method: 'PUT',
    path: groupPath(),
    body: `{"EntityIds": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
    status: 400,
    code: 'BAD_REQUEST',
    says: `limit of ${MAX_JSON_DEPTH} levels`,
  },
  {
    name: 'a group PUT with invalid UTF-8',
    method: 'PUT',
    path: groupPath(),
    body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    status: 400,
    code: 'BAD_REQUEST',
    says: 'UTF-8',
  },
];

async function send(c: Case): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = c.token === undefined ? TOKEN : c.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const given = typeof c.body === 'function' ? c.body() : c.body;
  // fetch labels a string body text/plain; bytes go without a Content-Type.
  const body = typeof given === 'string' && contentType === null ? Buffer.from(given) : given;
  return fetch(`${gw.url}${c.path ?? '/v1/events'}`, { method: c.method ?? 'POST', headers, body });
}

const count = (table: string) => gw.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0]?.n;

describe('hostile inputs', () => {
  it.each(CASES)('$name: $status $code', async (c) => {
    const response = await send(c);
    const text = await response.text();
    expect(response.status, text.slice(0, 500)).toBe(c.status);
    const body = JSON.parse(text) as {
      Error: { Code: string; Message: string; Problems?: { Path: string; Message: string }[] };
    };
    expect(body.Error.Code).toBe(c.code);
    if (c.paths) expect(body.Error.Problems?.map((p) => p.Path)).toEqual(c.paths);
    if (c.says) expect(text).toContain(c.says);
  });

  it('afterwards: /readyz answers and nothing refused was stored', async () => {
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    expect(count('events')).toBe(0);
    expect(count('deliveries')).toBe(0);
    expect(count('security_group_members')).toBe(0);
  });
});

describe('what the limits still let through', () => {
  it('a scoped token publishes for its own organization, whatever the case of the Guid', async () => {
    const mine = event(ORG.toUpperCase());
    mine.OrganizationId = ORG;
    const response = await send({
      ...CASES[0],
      token: SCOPED,
      contentType: 'application/json; charset=utf-8',
      body: json([mine]),
    } as Case);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ Results: [{ Id: mine.Id, Matched: 1, Duplicate: false }] });
  });

  it('a scoped token replaces the members of a group of its organization', async () => {
    const response = await send({
      ...CASES[0],
      method: 'PUT',
      path: groupPath(),
      token: SCOPED,
      contentType: 'application/json',
      body: json({ EntityIds: [randomUUID()] }),
    } as Case);
    expect(response.status).toBe(201);
  });

  it('a group of 100,000 members fits the PUT limit', async () => {
    const members = Array.from({ length: 100_000 }, () => randomUUID());
    expect(Buffer.byteLength(JSON.stringify({ EntityIds: members }, null, 2))).toBeLessThan(
      MAX_MEMBERS_BODY_BYTES,
    );
    // A body just under the limit is read whole (whitespace keeps the store's work small).
    const member = randomUUID();
    const head = `{"EntityIds": ["${member}"]`;
    const body = `${head}${' '.repeat(MAX_MEMBERS_BODY_BYTES - head.length - 1)}}`;
    const response = await send({
      ...CASES[0],
      method: 'PUT',
      path: groupPath(),
      contentType: 'application/json',
      body,
    } as Case);
    expect(response.status).toBe(200);
    expect(gw.rows('SELECT entity_id AS id FROM security_group_members')).toEqual([{ id: member }]);
  });

  it('an unknown property nested to the depth limit is kept', async () => {
    // A batch adds a level: the event itself sits at depth 1.
    const response = await send({
      ...CASES[0],
      contentType: 'application/json',
      body: deeplyNested(MAX_JSON_DEPTH - 1),
    } as Case);
    expect(response.status).toBe(202);
  });
});
