import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGateway } from './lib/built-gateway.js';
import { killAllChildren, REPO_ROOT } from './lib/child-process.js';
import { nowMs } from './lib/clock.js';
import { machineInfo } from './lib/machine.js';
import type { ScenarioResult } from './lib/results.js';
import { log, runScenario } from './lib/run-scenario.js';
import type { Scenario } from './lib/scenario.js';
import { renderTable } from './lib/table.js';

/**
 * npm run bench [-- --scenario a,b]: runs the scenarios in order, prints the table and writes the
 * figures. A full run writes bench/results/latest.json; a selection writes <names>.tmp.json beside it.
 */
function selected(argv: readonly string[], SCENARIOS: readonly Scenario[]): string[] | null {
  const names: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--scenario') names.push(...(argv[i + 1] ?? '').split(','));
    else if (arg.startsWith('--scenario=')) names.push(...arg.slice('--scenario='.length).split(','));
  });
  const wanted = names.map((n) => n.trim()).filter((n) => n !== '');
  if (wanted.length === 0) return null;
  const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  }
  return wanted;
}

async function main(): Promise<number> {
  buildGateway();
  // Scenarios load the built package (bench-events.ts parses with it): import them once it is built.
  const { SCENARIOS } = await import('./scenarios/index.js');
  const names = selected(process.argv.slice(2), SCENARIOS);
  const scenarios = names === null ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const machine = machineInfo();
  const started = nowMs();
  const results = new Map<string, ScenarioResult>();
  for (const scenario of scenarios) {
    log(scenario.name, `start: ${scenario.description}`);
    const result = await runScenario(scenario, results);
    results.set(scenario.name, result);
    log(scenario.name, `${result.status} in ${result.durationSeconds} s`);
  }
  const all = [...results.values()];
  const durationSeconds = Math.round((nowMs() - started) / 1000);
  const dir = join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, names === null ? 'latest.json' : `${names.join('+')}.tmp.json`);
  const document = {
    machine,
    command: `npm run bench${names === null ? '' : ` -- --scenario ${names.join(',')}`}`,
    durationSeconds,
    durability:
      'gateway: SQLite WAL, synchronous=FULL on event writes (an fsync per group commit), NORMAL on delivery outcomes; ' +
      'peer: Redis with AOF, appendfsync everysec',
    scenarios: all,
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(
    `\n${renderTable(all)}\n\nRun took ${durationSeconds} s. Results written to ${file}\n`,
  );
  return all.every((r) => r.status === 'ok') ? 0 : 1;
}

process.once('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    killAllChildren();
    process.exit(2);
  },
);
