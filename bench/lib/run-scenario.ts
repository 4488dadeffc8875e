import { loadavg } from 'node:os';
import { nowMs } from './clock.js';
import type { ScenarioResult, ScenarioStatus } from './results.js';
import type { Scenario, ScenarioOutcome } from './scenario.js';
import { Scope } from './scope.js';

export function log(scope: string, message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${scope}: ${message}\n`);
}

/**
 * Runs one scenario within its budget. Whatever happens, everything it started is stopped and its temp
 * folders removed before the next one; a scenario past its budget is abandoned (its processes killed).
 */
export async function runScenario(
  scenario: Scenario,
  previous: ReadonlyMap<string, ScenarioResult>,
): Promise<ScenarioResult> {
  const scope = new Scope();
  const started = nowMs();
  const loadAtStart = loadavg()[0] ?? 0;
  const ctx = { name: scenario.name, scope, previous, log: (m: string) => log(scenario.name, m) };
  let status: ScenarioStatus = 'ok';
  let outcome: ScenarioOutcome = { metrics: [], details: {} };
  let error: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const running = scenario.run(ctx);
  try {
    const raced = await Promise.race([
      running,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), scenario.budgetMs);
      }),
    ]);
    if (raced === 'timeout') {
      status = 'timed out';
      error = `did not finish within ${scenario.budgetMs / 1000} s`;
    } else outcome = raced;
  } catch (e) {
    status = 'failed';
    error = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    clearTimeout(timer);
  }
  if (error !== undefined) ctx.log(`${status}: ${error}`);
  const cleanupProblems = await scope.close();
  // An abandoned scenario's promise settles once its processes are gone; never let it surface later.
  running.catch(() => {});
  for (const p of cleanupProblems) ctx.log(`cleanup: ${p}`);
  return {
    scenario: scenario.name,
    description: scenario.description,
    status,
    durationSeconds: Math.round((nowMs() - started) / 100) / 10,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    metrics: outcome.metrics,
    details: outcome.details,
    ...(error === undefined ? {} : { error }),
    ...(cleanupProblems.length === 0 ? {} : { cleanupProblems }),
  };
}
