import type { Problem } from '../problems.js';

/** An invalid configuration document: every problem found, each with its JSON path. */
export class ConfigError extends Error {
  readonly problems: Problem[];
  readonly source: string | undefined;

  constructor(problems: Problem[], source?: string) {
    const where = source === undefined ? 'Invalid configuration' : `Invalid configuration in ${source}`;
    const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
    super(`${where} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.source = source;
  }
}
