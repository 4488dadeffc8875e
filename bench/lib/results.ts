/** A target from the issue: which figure it is about, the comparison, and the bound. */
export interface Target {
  on: 'ratio' | 'gateway';
  op: '>=' | '<=' | '>' | '<';
  value: number;
}

export interface Metric {
  metric: string;
  unit: string;
  gateway: number | null;
  /** What the gateway figure is compared with, named in `referenceName`. */
  reference: number | null;
  referenceName: string | null;
  /** gateway / reference. */
  ratio: number | null;
  target: Target | null;
  /** null when there is no target, or a figure is missing. */
  pass: boolean | null;
  note?: string;
}

export type ScenarioStatus = 'ok' | 'failed' | 'timed out';

export interface ScenarioResult {
  scenario: string;
  description: string;
  status: ScenarioStatus;
  durationSeconds: number;
  /** 1-minute load average at the start and the end: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
  metrics: Metric[];
  /** Raw figures and the settings used, for whoever reads the JSON. */
  details: Record<string, unknown>;
  error?: string;
  cleanupProblems?: string[];
}

export interface MetricInput {
  metric: string;
  unit: string;
  gateway: number | null;
  reference?: number | null;
  referenceName?: string;
  target?: Target;
  note?: string;
}

/**
 * A metric's one note from several (a run that did not finish, noisy references, steal): the present ones,
 * joined by `; `, or undefined when none applies.
 */
export function joinNotes(...notes: readonly (string | undefined)[]): string | undefined {
  const present = notes.filter((n): n is string => n !== undefined && n !== '');
  return present.length === 0 ? undefined : present.join('; ');
}

/** Builds a metric: the ratio and the verdict follow from the figures. */
export function metric(input: MetricInput): Metric {
  const reference = input.reference ?? null;
  const ratio =
    input.gateway !== null && reference !== null && reference !== 0 ? input.gateway / reference : null;
  const target = input.target ?? null;
  return {
    metric: input.metric,
    unit: input.unit,
    gateway: input.gateway,
    reference,
    referenceName: input.referenceName ?? null,
    ratio,
    target,
    pass: target === null ? null : verdict(target, target.on === 'ratio' ? ratio : input.gateway),
    ...(input.note === undefined ? {} : { note: input.note }),
  };
}

function verdict(target: Target, value: number | null): boolean | null {
  if (value === null || !Number.isFinite(value)) return null;
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '>':
      return value > target.value;
    case '<':
      return value < target.value;
  }
}

export function describeTarget(target: Target | null, unit: string): string {
  if (target === null) return '';
  return target.on === 'ratio'
    ? `ratio ${target.op} ${target.value}`
    : `${target.op} ${target.value} ${unit}`;
}
