import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, adminCall } from '../../support/admin.js';
import { ORG, startTestGateway, type TestGateway, TOKEN } from '../../support/gateway.js';

const GROUP = '4f0e2f2b-2b3e-4a7e-9b0e-0c1d2e3f4a5b';
type Items = Record<string, unknown>[];

describe("a producer's group PUT in the audit log", () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await startTestGateway({ adminTokens: [ADMIN] });
    url = gateway.url as string;
  });
  afterAll(() => gateway.cleanup());

  const put = (entityIds: string[]) =>
    fetch(`${url}/v1/organizations/${ORG}/security-groups/${GROUP}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ EntityIds: entityIds }),
    }).then((r) => r.status);
  const audit = async () =>
    (await adminCall(url, 'GET', `/v1/admin/audit?Resource=security-group&OrganizationId=${ORG}`)).body
      .Items as Items;

  it('is recorded by its counts, under the actor producer; the same members again record nothing', async () => {
    const members = Array.from({ length: 5 }, () => randomUUID());
    expect(await put(members)).toBe(201);
    expect(await put([...members.slice(1), randomUUID(), randomUUID()])).toBe(200);
    expect(await put(members.slice(1))).toBe(200);
    const entries = await audit();
    expect(entries.map((e) => [e.Actor, e.Action, e.ResourceId, e.Before, e.After])).toEqual([
      [
        'producer',
        'update',
        GROUP,
        { SecurityGroupId: GROUP, MembersFrom: 'producers', MemberCount: 6 },
        { SecurityGroupId: GROUP, MembersFrom: 'producers', MemberCount: 4, Added: 0, Removed: 2 },
      ],
      [
        'producer',
        'update',
        GROUP,
        { SecurityGroupId: GROUP, MembersFrom: 'producers', MemberCount: 5 },
        { SecurityGroupId: GROUP, MembersFrom: 'producers', MemberCount: 6, Added: 2, Removed: 1 },
      ],
      [
        'producer',
        'create',
        GROUP,
        null,
        { SecurityGroupId: GROUP, MembersFrom: 'producers', MemberCount: 5, Added: 5, Removed: 0 },
      ],
    ]);
    expect(await put(members.slice(1))).toBe(200);
    expect((await audit()).length).toBe(3);
  });

  it('keeps the actor producer for producers: no admin token may take that Name', async () => {
    const made = await adminCall(url, 'POST', '/v1/admin/tokens', {
      body: { Name: 'Producer', Role: 'viewer' },
    });
    expect(made.status).toBe(400);
    expect(JSON.stringify(made.body)).toContain('by producers');
  });
});
