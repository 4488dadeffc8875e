import { buildGateway } from './built-gateway.js';
import { killAllChildren } from './child-process.js';
import { log } from './run-scenario.js';
import type { ScenarioContext } from './scenario.js';
import { Scope } from './scope.js';

/**
 * The frame of an A/B tool (cpu-split, drain): builds the gateway, runs `measure` once per run with a
 * scenario context, prints each run's figures and the best of each column, then stops every process.
 * On a shared machine steal only ever adds, so the best of a few runs is the steadier A/B figure: the
 * highest rate (the first column) and the lowest of every other column.
 */
export async function runAbTool(
  name: string,
  runs: number,
  columns: readonly string[],
  setUp: (ctx: ScenarioContext) => Promise<(ctx: ScenarioContext) => Promise<number[]>>,
): Promise<void> {
  buildGateway();
  const scope = new Scope();
  const ctx: ScenarioContext = { name, scope, previous: new Map(), log: (m: string) => log(name, m) };
  try {
    const measure = await setUp(ctx);
    const rows: number[][] = [];
    for (let i = 0; i < runs; i++) rows.push(await measure(ctx));
    const best = columns.map((_, c) => (c === 0 ? Math.max : Math.min)(...rows.map((r) => r[c] as number)));
    for (const [label, row] of [...rows.map((r, i) => [`run ${i + 1}`, r] as const), ['best', best] as const])
      console.log(
        `${label.padEnd(6)} ${columns.map((n, c) => `${n} ${(row[c] as number).toFixed(1)}`).join('  ')}`,
      );
  } finally {
    await scope.close();
    killAllChildren();
  }
}
