import { describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/config/apply.js';
import { exportConfig } from '../../src/config/export.js';
import { parseConfigDocument } from '../../src/config/parse.js';
import { replaceSecurityGroupMembers } from '../../src/store/config/security-groups.js';
import { ENTITY, ENTITY_2, GROUP, ORG, sampleDocument, useTempDatabases } from './helpers.js';

const open = useTempDatabases();

describe('exportConfig', () => {
  it('writes the state back as a document, sorted, that imports to the same state', () => {
    const source = open();
    const parsed = parseConfigDocument(sampleDocument());
    applyConfig(source, parsed);
    const exported = exportConfig(source, parsed.gateway);

    expect(exported.Gateway).toEqual(parsed.gateway);
    const [org] = exported.Organizations;
    expect(org?.OrganizationId).toBe(ORG);
    expect(org?.SecurityGroups).toEqual([{ SecurityGroupId: GROUP, EntityIds: [ENTITY] }]);
    expect(org?.Webhooks.map((w) => w.Webhook.Endpoint)).toEqual([
      'https://bi.example.com/in',
      'https://crm.example.com/webhook/',
    ]);
    expect(org?.Webhooks[0]?.Webhook).toEqual({
      WebhookId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Endpoint: 'https://bi.example.com/in',
      InsecureSSL: false,
      TimeoutSeconds: 5,
      Enabled: true,
      RetryScheduleSeconds: [1, 2],
    });
    expect(org?.Webhooks[1]?.Subscriptions.map((s) => s.EventType)).toEqual([
      'CallbackChanged',
      'QueueCallInUserConnected',
      'UserStatus',
    ]);

    // Round trip: through JSON text, into the same database (no changes) and into an empty one (same state).
    const reparsed = parseConfigDocument(JSON.parse(JSON.stringify(exported)));
    expect(applyConfig(source, reparsed)).toEqual([]);
    const target = open();
    applyConfig(target, reparsed);
    // The WebhookIds travel with the document: the other database has the very same webhooks.
    expect(exportConfig(target, parsed.gateway)).toEqual(exported);
  });

  it('leaves out producer groups, and the members of a declared group producers maintain', () => {
    const g = open();
    const doc = { Organizations: [{ OrganizationId: ORG, SecurityGroups: [{ SecurityGroupId: GROUP }] }] };
    const parsed = parseConfigDocument(doc);
    applyConfig(g, parsed);
    const producerGroup = '22222222-3333-4444-5555-666666666666';
    replaceSecurityGroupMembers(g, ORG, producerGroup, [ENTITY]);
    replaceSecurityGroupMembers(g, ORG, GROUP, [ENTITY_2]);

    const exported = exportConfig(g, parsed.gateway);
    expect(exported.Organizations[0]?.SecurityGroups).toEqual([{ SecurityGroupId: GROUP }]);
    expect(applyConfig(g, parseConfigDocument(exported))).toEqual([]);
    expect(
      g.sqlite
        .prepare('SELECT entity_id FROM security_group_members WHERE security_group_id = ?')
        .pluck()
        .all(GROUP),
    ).toEqual([ENTITY_2]);
  });
});
