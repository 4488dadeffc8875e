import { describeTarget, type ScenarioResult } from './results.js';

const HEADERS = ['scenario', 'metric', 'gateway', 'reference', 'ratio', 'target', 'pass'];

export function formatNumber(value: number | null, unit = ''): string {
  if (value === null || !Number.isFinite(value)) return '-';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit === '' || unit === '/s' ? `${text}${unit}` : `${text} ${unit}`;
}

function verdict(pass: boolean | null, hasTarget: boolean): string {
  if (!hasTarget) return '';
  if (pass === null) return 'n/a';
  return pass ? 'PASS' : 'FAIL';
}

/**
 * One row per metric; a scenario that failed or timed out gets a row saying so. A metric's note (noisy
 * references, steal, ...) is too long for a column: its row gets a mark and the note follows the table.
 */
export function renderTable(results: readonly ScenarioResult[]): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of results) {
    for (const m of r.metrics) {
      const reference = m.reference === null ? '-' : formatNumber(m.reference, m.unit);
      const name = m.referenceName === null ? m.metric : `${m.metric} (vs ${m.referenceName})`;
      if (m.note !== undefined) notes.push(`[${notes.length + 1}] ${m.note}`);
      rows.push([
        r.scenario,
        m.note === undefined ? name : `${name} [${notes.length}]`,
        formatNumber(m.gateway, m.unit),
        reference,
        m.ratio === null ? '-' : m.ratio.toFixed(2),
        describeTarget(m.target, m.unit),
        verdict(m.pass, m.target !== null),
      ]);
    }
    if (r.status !== 'ok') {
      rows.push([
        r.scenario,
        `${r.status.toUpperCase()}: ${(r.error ?? '').split('\n')[0]}`,
        '',
        '',
        '',
        '',
        '',
      ]);
    }
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ');
  const table = [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
  return [...table, ...(notes.length === 0 ? [] : ['', ...notes])].join('\n');
}
