/**
 * `npm run demo`: the quickest way to see the gateway work. Starts a local HTTPS receiver on a
 * self-signed certificate, a gateway (temporary SQLite file) whose webhook trusts it with InsecureSSL,
 * publishes events of several types through the in-process SDK, prints each delivery as the receiver
 * gets it, then a summary from the gateway's own store, and exits.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { parseConfigDocument } from '../src/config/index.js';
import { buildEvent } from '../src/sdk/build-event.js';
import { startGateway } from '../src/service/gateway.js';

const ORG = 'fd434d24-f685-431d-8df5-386b5d5ffa73';
const USER = 'b4df099e-70dc-4ff5-b4ea-c2c3547d97fb';
const QUEUE = '6cb31d7d-9cd9-41dc-a096-62cf31fd0281';
const CALL_LIST = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SECRET = 'demo-shared-secret';

async function main(): Promise<void> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
  });
  let received = 0;
  let refusedOnce = false;
  const receiver = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const event = JSON.parse(body) as { EventType: string; Id: string };
      // The first QueueCallInUserConnected is answered 503, to show a retry.
      const status = event.EventType === 'QueueCallInUserConnected' && !refusedOnce ? 503 : 200;
      refusedOnce ||= status === 503;
      if (status === 200) received++;
      const token = req.headers['x-benemen-token'] === SECRET ? 'valid' : 'INVALID';
      console.log(
        `receiver <- ${String(req.headers['x-benemen-event']).padEnd(26)} Id ${event.Id}  token ${token}  ` +
          `${req.headers['content-type']}  -> ${status}`,
      );
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;

  const dir = mkdtempSync(join(tmpdir(), 'gateway-demo-'));
  const config = parseConfigDocument({
    Gateway: {
      Listen: '127.0.0.1:0',
      Database: join(dir, 'gateway.db'),
      // Development policy: the receiver is on loopback, on a port other than 443.
      Delivery: { RetryScheduleSeconds: [0.5, 1], AllowAnyPort: true, AllowPrivateNetworks: true },
    },
    Organizations: [
      {
        OrganizationId: ORG,
        Webhooks: [
          {
            Webhook: {
              Endpoint: `https://localhost:${port}/webhook/`,
              InsecureSSL: true,
              Secret: SECRET,
              Description: 'demo',
            },
            Subscriptions: [
              { EventType: 'UserStatus', AllEntities: true },
              { EventType: 'QueueCallInUserConnected', EntityId: QUEUE },
              { EventType: 'CallbackChanged', AllEntities: true },
            ],
          },
        ],
      },
    ],
  });
  const gateway = await startGateway({ config, http: false });
  console.log(
    `gateway started; receiver on https://localhost:${port}/webhook/ (self-signed, InsecureSSL: true)\n`,
  );

  const events = [
    buildEvent('UserStatus', ORG, {
      UserId: USER,
      OrganizationId: ORG,
      CanBeAllocatedTo: true,
      Talking: false,
      Available: true,
      Schedule: true,
      Serving: true,
      ServiceTerminals: 1,
      ActiveQueues: 2,
      ParkedCalls: 0,
      ServingCallback: false,
      FetchMode: false,
    }),
    buildEvent('QueueCallInUserConnected', ORG, {
      QueueId: QUEUE,
      OrganizationId: ORG,
      CallId: randomUUID(),
      UserId: USER,
      QueueName: 'Sample queue 1',
      UserName: 'sample.agent@customer.com',
      CallerNumber: '+358501231234',
      TargetNumber: '+35810123',
    }),
    buildEvent('CallbackChanged', ORG, {
      CallListId: CALL_LIST,
      CallBackId: randomUUID(),
      OrganizationId: ORG,
      Modified: new Date().toISOString(),
      CreationTime: new Date().toISOString(),
      Created: true,
      IsClosed: false,
      TypeId: 1,
      ContactNumber: '+358501231234',
    }),
    // Not subscribed: accepted and recorded, matched to no webhook.
    buildEvent('QueueCallInArrived', ORG, {
      QueueId: QUEUE,
      OrganizationId: ORG,
      CallId: randomUUID(),
      QueueName: 'Sample queue 1',
      CallerNumber: '+358501231234',
    }),
  ];
  for (const event of events) {
    const result = await gateway.publisher.publish(event);
    console.log(`published ${event.EventType.padEnd(26)} Id ${event.Id}  matched ${result.Matched}`);
  }
  const duplicate = await gateway.publisher.publish(events[0] as (typeof events)[0]);
  console.log(`published UserStatus again (same Id)    duplicate: ${duplicate.Duplicate}\n`);

  const deadline = Date.now() + 15_000;
  while (received < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100));

  console.log('\nsummary (from the gateway store):');
  const rows = gateway.database.sqlite
    .prepare(
      `SELECT e.event_type, e.id, d.state, d.attempt_count,
              (SELECT group_concat(coalesce(a.status_code, a.error_class), ' then ') FROM attempts a WHERE a.delivery_id = d.id) AS attempts
         FROM events e LEFT JOIN deliveries d ON d.event_seq = e.seq ORDER BY e.seq`,
    )
    .all() as {
    event_type: string;
    id: string;
    state: string | null;
    attempt_count: number | null;
    attempts: string | null;
  }[];
  for (const r of rows) {
    const what =
      r.state === null ? 'no subscriber' : `${r.state} after ${r.attempt_count} attempt(s): ${r.attempts}`;
    console.log(`  ${r.event_type.padEnd(26)} ${r.id}  ${what}`);
  }
  await gateway.stop();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
  const ok = rows.filter((r) => r.state !== null).every((r) => r.state === 'delivered');
  console.log(ok ? '\nall subscribed events delivered' : '\nsome deliveries did not complete');
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
