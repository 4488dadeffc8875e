import type { Metric, ScenarioResult } from './results.js';
import type { Scope } from './scope.js';

export interface ScenarioContext {
  name: string;
  /** Everything started here is stopped by the runner when the scenario ends, however it ends. */
  scope: Scope;
  /** Results of the scenarios that already ran in this invocation (peer reuses the gateway's figures). */
  previous: ReadonlyMap<string, ScenarioResult>;
  log(message: string): void;
}

export interface ScenarioOutcome {
  metrics: Metric[];
  details: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  description: string;
  /** Hard limit: past it the runner stops the scenario's processes and moves on. */
  budgetMs: number;
  run(ctx: ScenarioContext): Promise<ScenarioOutcome>;
}

/** The gateway's per-endpoint concurrency (MaxInFlightPerEndpoint, its default): references use it too. */
export const PER_ENDPOINT = 16;
