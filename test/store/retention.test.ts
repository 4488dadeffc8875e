import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { traceEvent } from '../../src/store/trace.js';
import { formatTrace } from '../../src/support/format-trace.js';
import { specEvent } from '../support/events.js';
import {
  ORG,
  organization,
  startTestGateway,
  type TestGateway,
  testDocument,
  writeConfig,
} from '../support/gateway.js';
import { type Receiver, startReceiver } from '../support/receiver.js';
import { waitFor } from '../support/wait.js';

const SECOND_IN_DAYS = 1 / 86_400;
let gw: TestGateway | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await gw?.cleanup();
  await receiver?.close();
  gw = undefined;
  receiver = undefined;
});

const count = (g: TestGateway, table: string) =>
  (g.rows<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)[0] as { n: number }).n;

describe('retention', () => {
  it('prunes delivered events in the background, and trace says they were pruned', async () => {
    receiver = await startReceiver();
    gw = await startTestGateway({
      organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook` }])],
      retention: { DeliveredDays: SECOND_IN_DAYS, FailedDays: 30 },
    });
    const events = Array.from({ length: 50 }, () => specEvent('UserStatus', ORG));
    await gw.publisher.publishBatch(events);
    const g = gw;
    await waitFor(() => receiver?.requests.length === 50, 'deliveries');
    await waitFor(() => count(g, 'events') === 0, 'the events pruned');
    expect(count(g, 'deliveries')).toBe(0);
    expect(count(g, 'attempts')).toBe(0);
    const id = (events[0] as { Id: string }).Id;
    expect(formatTrace(id, traceEvent(g.database.sqlite, id)).join('\n')).toMatch(
      new RegExp(`^Event ${id} was accepted .* and pruned after 0.0000116 days`),
    );
  });

  it('prunes the audit log past Retention.AuditDays in the background', async () => {
    gw = await startTestGateway({
      organizations: [organization(ORG, [{ endpoint: 'http://127.0.0.1:9/hook' }])],
      retention: { DeliveredDays: SECOND_IN_DAYS, AuditDays: 5 * SECOND_IN_DAYS },
    });
    const g = gw;
    // The start's apply of the document is audited: the organization, its webhook and subscription.
    expect(count(g, 'audit_log')).toBeGreaterThan(0);
    await waitFor(() => count(g, 'audit_log') === 0, 'the audit log pruned');
  });

  it('keeps what is within its period, and failed deliveries for FailedDays', async () => {
    receiver = await startReceiver({ status: 500 });
    gw = await startTestGateway({
      organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook` }])],
      delivery: { RetryScheduleSeconds: [0.05] },
      retention: { DeliveredDays: SECOND_IN_DAYS, FailedDays: 30 },
    });
    await gw.publisher.publish(specEvent('UserStatus', ORG));
    const g = gw;
    await waitFor(() => g.rows("SELECT 1 FROM deliveries WHERE state = 'discarded'").length === 1, 'discard');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(count(g, 'events')).toBe(1);
    expect(count(g, 'attempts')).toBe(2);
  });

  it('`gateway prune --dry-run` prints what a prune removes and removes nothing; `prune` removes it', async () => {
    receiver = await startReceiver();
    gw = await startTestGateway({
      organizations: [organization(ORG, [{ endpoint: `${receiver.url}/hook` }])],
    });
    await gw.publisher.publishBatch([specEvent('UserStatus', ORG), specEvent('UserStatus', ORG)]);
    const g = gw;
    await waitFor(
      () => g.rows("SELECT 1 FROM deliveries WHERE state = 'delivered'").length === 2,
      'delivery',
    );
    const config = writeConfig(
      g.dir,
      testDocument(g.dbFile, { retention: { DeliveredDays: SECOND_IN_DAYS } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const run = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', join('src', 'cli', 'main.ts'), 'prune', ...args], {
        env: { ...process.env, GATEWAY_CONFIG: config },
        encoding: 'utf8',
      });
    expect(run('--dry-run')).toContain(
      `would remove 2 event(s), 2 delivery(ies), 2 attempt(s) and 0 tombstone(s) of pruned events from ${g.dbFile}`,
    );
    expect(count(g, 'events')).toBe(2);
    // Beside the running gateway (whose own retention is the default week).
    expect(run()).toContain(`removed 2 event(s), 2 delivery(ies), 2 attempt(s)`);
    expect(count(g, 'events')).toBe(0);
    expect(count(g, 'pruned_events')).toBe(2);
  });
});
