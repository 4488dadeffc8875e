import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceEvent } from '../../src/store/trace.js';
import { formatTrace } from '../../src/support/format-trace.js';
import { specEvent } from '../support/events.js';
import { ORG, organization, startTestGateway, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const GROUP = '9118bef9-fb49-ed11-8713-6c24087ddf1c';
let gw: TestGateway;
let failing: Receiver;

beforeAll(async () => {
  failing = await startReceiver({ status: 500, body: 'boom' });
  gw = await startTestGateway({
    organizations: [
      organization(
        ORG,
        [
          {
            endpoint: `${failing.url}/crm`,
            webhook: { Description: 'CRM' },
            eventTypes: ['UserCallInArrived'],
          },
          {
            endpoint: `${failing.url}/group`,
            subscriptions: [{ EventType: 'UserStatus', SecurityGroupId: GROUP }],
          },
        ],
        [{ SecurityGroupId: GROUP, EntityIds: [] }],
      ),
    ],
    delivery: { RetryScheduleSeconds: [0.05] },
  });
});
afterAll(async () => {
  await gw.cleanup();
  await failing.close();
});

const trace = (id: string) => formatTrace(id, traceEvent(gw.database.sqlite, id)).join('\n');

describe('trace', () => {
  it('shows each delivery with every attempt and its result', async () => {
    const event = specEvent('UserCallInArrived', ORG);
    await gw.publisher.publish(event);
    await waitFor(
      () => traceEvent(gw.database.sqlite, event.Id).deliveries[0]?.state === 'discarded',
      'discarded',
    );
    const text = trace(event.Id);
    expect(text).toContain(`Event ${event.Id} UserCallInArrived`);
    expect(text).toContain(`-> ${failing.url}/crm (CRM) [`);
    expect(text).toMatch(/\(CRM\) \[[0-9a-f-]{36}\]: discarded after 2 attempt\(s\)/);
    expect(text).toMatch(/#1 .* HTTP 500 in \d+ ms/);
    expect(text).toMatch(/#2 .* HTTP 500 in \d+ ms/);
  });

  it('explains why an event reached nobody', async () => {
    const entity = randomUUID();
    const unmatched = specEvent('UserStatus', ORG, entity);
    await gw.publisher.publish(unmatched);
    expect(trace(unmatched.Id)).toContain(`SecurityGroupId=${GROUP}: entity is not a member of the group`);
    const nobody = specEvent('QueueStatus', ORG);
    await gw.publisher.publish(nobody);
    expect(trace(nobody.Id)).toContain(`no webhook of organization ${ORG} subscribes to QueueStatus`);
  });

  it('says when the gateway never accepted the Id', () => {
    expect(trace(randomUUID())).toMatch(/^No event with Id .* was accepted\./);
  });
});
