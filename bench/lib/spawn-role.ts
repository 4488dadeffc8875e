import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_CHILD_SCRIPT } from './built-gateway.js';
import { BenchChild, REPO_ROOT } from './child-process.js';
import type { ScenarioContext } from './scenario.js';

export type Role = 'gateway' | 'receiver' | 'reference' | 'ingest' | 'peer';

const SCRIPTS: Record<Role, string> = {
  // Compiled by buildGateway(): the gateway process runs without tsx, as in production.
  gateway: GATEWAY_CHILD_SCRIPT,
  receiver: 'bench/processes/receiver-child.ts',
  reference: 'bench/processes/reference-child.ts',
  ingest: 'bench/processes/ingest-producer-child.ts',
  peer: 'bench/peers/bullmq/peer-child.ts',
};

/** Roles to profile, from BENCH_PROFILE=gateway,peer (or "all"). */
function profiled(role: Role): boolean {
  const wanted = (process.env.BENCH_PROFILE ?? '').split(',').map((s) => s.trim());
  return wanted.includes(role) || wanted.includes('all');
}

/**
 * Starts a bench child for a role, stopped with the scenario. With BENCH_PROFILE naming the role it runs
 * under --cpu-prof, writing to bench/results/profiles/<scenario>/<role>/.
 */
export async function spawnRole(
  ctx: ScenarioContext,
  role: Role,
  label: string = role,
  nodeFlags: readonly string[] = [],
): Promise<BenchChild> {
  const execArgv = [...nodeFlags];
  if (profiled(role)) {
    const dir = join(REPO_ROOT, 'bench/results/profiles', ctx.name, label);
    mkdirSync(dir, { recursive: true });
    execArgv.push('--cpu-prof', '--cpu-prof-dir', dir);
    ctx.log(`profiling ${label} into ${dir}`);
  }
  const child = await BenchChild.spawn(SCRIPTS[role], { name: `${ctx.name}/${label}`, execArgv });
  ctx.scope.add(`stop ${label}`, () => child.stop());
  return child;
}
