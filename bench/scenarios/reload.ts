import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../lib/child-process.js';
import { nowMs } from '../lib/clock.js';
import { GatewayProcess } from '../lib/gateway-process.js';
import type { LoopReport } from '../lib/loop-monitor.js';
import {
  BIG_GROUP,
  bigGroupMembers,
  groupId,
  ORGANIZATIONS,
  organizationId,
  reloadWorld,
  SUBSCRIPTIONS_PER_WEBHOOK,
  WEBHOOKS_PER_ORG,
} from '../lib/reload-world.js';
import { metric } from '../lib/results.js';
import type { Scenario } from '../lib/scenario.js';
import { tempDir } from '../lib/temp-dir.js';

const run = promisify(execFile);
/** The bound on how long any one configuration change may hold the gateway's event loop. */
const LOOP_BLOCK_MS = 50;

interface Step {
  wallMs: number;
  loop: LoopReport;
}

const rounded = (n: number) => Math.round(n * 10) / 10;

export const reload: Scenario = {
  name: 'reload',
  description: `configuration changes at ${ORGANIZATIONS.toLocaleString('en-US')} organizations, ${(ORGANIZATIONS * WEBHOOKS_PER_ORG).toLocaleString('en-US')} webhooks, ${(ORGANIZATIONS * WEBHOOKS_PER_ORG * SUBSCRIPTIONS_PER_WEBHOOK).toLocaleString('en-US')} subscriptions and a group of ${BIG_GROUP.toLocaleString('en-US')} members: the gateway's event-loop delay during each (monitorEventLoopDelay, 1 ms resolution)`,
  budgetMs: 600_000,
  async run(ctx) {
    const dir = tempDir(ctx.scope, 'reload-bench');
    const dbFile = join(dir, 'gateway.db');
    const file = join(dir, 'config.json');
    const write = (document: Record<string, unknown>) => writeFileSync(file, JSON.stringify(document));
    const world = reloadWorld(dbFile);
    write(world);
    const env = { GATEWAY_CONFIG: file };

    let started = nowMs();
    const gateway = await GatewayProcess.start(ctx, [], { document: world, http: true });
    const firstStartMs = nowMs() - started;
    ctx.log(`first start (document applied to an empty store) in ${Math.round(firstStartMs)} ms`);

    const step = async (label: string, work: () => Promise<unknown>): Promise<Step> => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await gateway.loopPhase();
      const at = nowMs();
      await work();
      const wallMs = nowMs() - at;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const loop = await gateway.loopPhase();
      ctx.log(`${label}: ${Math.round(wallMs)} ms, event loop max delay ${rounded(loop.delayMaxMs)} ms`);
      return { wallMs, loop };
    };
    // The reference: the same gateway doing nothing for as long, so the machine's own noise (a shared VM
    // whose steal and neighbours delay timers too) shows beside each figure.
    const idle = await step(
      'idle, for reference',
      () => new Promise((resolve) => setTimeout(resolve, 1_500)),
    );
    const org = organizationId(0);
    const group = groupId(0);
    const putNew = await step('PUT 100,000 new members', () =>
      gateway.replaceGroup(org, group, bigGroupMembers()),
    );
    const putSame = await step('PUT the same 100,000 members', () =>
      gateway.replaceGroup(org, group, bigGroupMembers()),
    );
    const putShifted = await step('PUT 100,000 members, 1,000 of them new', () =>
      gateway.replaceGroup(org, group, bigGroupMembers(1_000)),
    );
    const sighupSame = await step('SIGHUP, document unchanged', () => gateway.reloadFile(env));
    write(reloadWorld(dbFile, { timeoutOf: (o, w) => (o === 500 && w === 3 ? 7 : 5) }));
    const sighupOne = await step('SIGHUP, one webhook changed', () => gateway.reloadFile(env));

    // `gateway import` from another process: the gateway follows through the store's revision.
    write(
      reloadWorld(dbFile, { timeoutOf: (o, w) => (o === 700 && w === 1 ? 9 : o === 500 && w === 3 ? 7 : 5) }),
    );
    const before = await gateway.revision();
    let importMs = 0;
    const imported = await step('gateway import, one webhook changed', async () => {
      const at = nowMs();
      await run(process.execPath, [join(REPO_ROOT, 'dist/cli/main.js'), 'import', file], { cwd: REPO_ROOT });
      importMs = nowMs() - at;
      while ((await gateway.revision()) === before) await new Promise((resolve) => setTimeout(resolve, 10));
    });

    // A group whose members the document lists: SIGHUP gives it 100,000 of them.
    const last = {
      timeoutOf: (o: number, w: number) => (o === 700 && w === 1 ? 9 : o === 500 && w === 3 ? 7 : 5),
      documentGroup: bigGroupMembers(500_000),
    };
    write(reloadWorld(dbFile, last));
    const sighupGroup = await step('SIGHUP, a document-owned group gets 100,000 members', async () => {
      await gateway.reloadFile(env);
      // Applied to the routing in steps after the reload returns: wait for the last of them.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    });

    await gateway.stop();
    started = nowMs();
    const again = await GatewayProcess.start(ctx, [], { document: reloadWorld(dbFile, last) });
    const restartMs = nowMs() - started;
    ctx.log(`restart on the same store in ${Math.round(restartMs)} ms`);
    await again.stop();

    const blocking = (name: string, s: Step, note?: string) =>
      metric({
        metric: `event-loop block: ${name}`,
        unit: 'ms',
        gateway: rounded(s.loop.delayMaxMs),
        reference: rounded(idle.loop.delayMaxMs),
        referenceName: 'idle, 1.5 s',
        target: { on: 'gateway', op: '<=', value: LOOP_BLOCK_MS },
        note: note ?? `${Math.round(s.wallMs)} ms from request to answer`,
      });
    return {
      metrics: [
        blocking('PUT of 100,000 new members', putNew),
        metric({
          metric: 'total work of a 100,000-member PUT',
          unit: 'ms',
          gateway: Math.round(putNew.wallMs),
          target: { on: 'gateway', op: '<', value: 1_000 },
        }),
        blocking('PUT of the same 100,000 members', putSame),
        blocking('PUT of 100,000 members, 1,000 new', putShifted),
        blocking('SIGHUP, document unchanged', sighupSame),
        blocking('SIGHUP, one webhook changed', sighupOne),
        blocking(
          'gateway import in another process',
          imported,
          `import command ${Math.round(importMs)} ms; routing followed ${Math.round(imported.wallMs - importMs)} ms after it exited`,
        ),
        blocking(
          'SIGHUP, a document-owned group gets 100,000 members',
          sighupGroup,
          'includes 2 s for its stepped routing update',
        ),
        metric({
          metric: 'restart with these groups and subscriptions',
          unit: 'ms',
          gateway: Math.round(restartMs),
          target: { on: 'gateway', op: '<', value: 3_000 },
          note: `first start on an empty store: ${Math.round(firstStartMs)} ms`,
        }),
      ],
      details: {
        world: {
          organizations: ORGANIZATIONS,
          webhooksPerOrganization: WEBHOOKS_PER_ORG,
          subscriptionsPerWebhook: SUBSCRIPTIONS_PER_WEBHOOK,
          bigGroup: BIG_GROUP,
        },
        steps: {
          putNew,
          putSame,
          putShifted,
          sighupSame,
          sighupOne,
          imported,
          importMs,
          firstStartMs,
          restartMs,
        },
      },
    };
  },
};
