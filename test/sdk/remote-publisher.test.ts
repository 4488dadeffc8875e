import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVELOPE_KEYS, EventValidationError } from '../../src/catalogue/index.js';
import { buildEvent } from '../../src/sdk/build-event.js';
import { RemotePublishError, RemotePublisher } from '../../src/sdk/remote-publisher.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway, TOKEN } from '../support/gateway.js';

let gw: TestGateway;
let publisher: RemotePublisher;

beforeAll(async () => {
  gw = await startTestGateway({ organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/x' }])] });
  publisher = new RemotePublisher({ baseUrl: gw.url as string, token: TOKEN });
});
afterAll(async () => {
  await publisher.close();
  await gw.cleanup();
});

describe('RemotePublisher', () => {
  it('publishes a built event over HTTP and reports its matches', async () => {
    const example: Record<string, unknown> = { ...specEvent('UserStatus', ORG), Talking: true };
    for (const key of ENVELOPE_KEYS) delete example[key];
    const event = buildEvent('UserStatus', ORG, example as never);
    expect(await publisher.publish(event)).toEqual({ Id: event.Id, Matched: 1, Duplicate: false });
    expect(await publisher.publish(event)).toEqual({ Id: event.Id, Matched: 1, Duplicate: true });
  });

  it('rethrows the gateway refusal of a bad event as the catalogue error, with paths', async () => {
    const bad = { ...specEvent('UserStatus', ORG), Talking: 'yes' };
    const error = await publisher.publishBatch([specEvent('UserStatus', ORG), bad as never]).catch((e) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).problems.map((p) => p.path)).toEqual(['$[1].Talking']);
  });

  it('reports a wrong token as a RemotePublishError with status 401', async () => {
    const intruder = new RemotePublisher({ baseUrl: gw.url as string, token: 'wrong' });
    const error = await intruder.publish(specEvent('UserStatus', ORG)).catch((e) => e);
    await intruder.close();
    expect(error).toBeInstanceOf(RemotePublishError);
    expect((error as RemotePublishError).status).toBe(401);
  });

  it('replaces security group members over HTTP', async () => {
    const group = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
    const member = 'e0072f3a-cc7c-42ee-b0ac-34cd7238150a';
    await publisher.replaceSecurityGroupMembers(ORG, group, [member]);
    expect(
      gw.rows('SELECT entity_id FROM security_group_members WHERE security_group_id = ?', group),
    ).toEqual([{ entity_id: member }]);
  });
});
