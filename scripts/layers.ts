import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layering of src/, as one rule set that `npm run lint` checks (scripts/check-layers.ts). Imports
 * point down only: cli -> service -> http/sdk -> bus -> routing/matcher/catalogue. The delivery engine,
 * the bus and HTTP reach the store through interfaces declared on their own side (bus/ports.ts, the
 * engine's DeliveryQueue), never by importing store/; the store imports nothing above it.
 *
 * A module is the first folder under src/ (or a file directly in src/). Each lists what it may import
 * besides itself.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'problems.ts': [],
  'version.ts': [],
  /** A pure Retry-After parser the transport and the remote SDK both use. */
  'retry-after.ts': [],
  log: [],
  /** The gateway's Prometheus metrics: tallies the hot paths add to, read at scrape time. */
  metrics: [],
  catalogue: ['problems.ts'],
  matcher: ['catalogue', 'problems.ts'],
  store: [],
  routing: ['matcher', 'catalogue'],
  delivery: ['log', 'routing', 'catalogue', 'problems.ts', 'version.ts', 'retry-after.ts'],
  bus: ['routing', 'matcher', 'catalogue', 'problems.ts'],
  config: ['store', 'catalogue', 'delivery', 'problems.ts', 'log'],
  support: ['store', 'catalogue'],
  sdk: ['bus', 'catalogue', 'problems.ts', 'retry-after.ts'],
  /** The support console: pages over the admin API, which it reaches through the fetch HTTP hands it. */
  console: ['catalogue', 'log', 'problems.ts'],
  http: ['bus', 'sdk', 'config', 'catalogue', 'console', 'log', 'problems.ts', 'version.ts'],
  service: [
    'http',
    'sdk',
    'bus',
    'routing',
    'matcher',
    'catalogue',
    'delivery',
    'store',
    'config',
    'support',
    'metrics',
    'log',
    'problems.ts',
    'version.ts',
  ],
  cli: ['service', 'config', 'store', 'support', 'log', 'catalogue', 'problems.ts', 'version.ts'],
  'index.ts': ['*'],
};

/**
 * Imports that break the rules today, in files whose owner is changing them in another issue; each is
 * to be removed, not added to. An entry that no longer matches an import is reported too, so the list
 * only shrinks.
 */
export const KNOWN_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];

/** What marks a file as running SQL: statements, pragmas, transactions, drizzle's query builder. */
const SQL = /\.prepare\(|\.pragma\(|\.transaction\(|from ['"]drizzle-orm/;

/** Files outside src/store/ that run SQL: none, and the check keeps it so. */
export const SQL_OUTSIDE_STORE: readonly string[] = [];

/** Pure: the files outside src/store/ whose text runs SQL, beyond the known ones (and known ones that no longer do). */
export function sqlOutsideStore(
  files: readonly { path: string; text: string }[],
  known: readonly string[] = SQL_OUTSIDE_STORE,
): Violation[] {
  const found: Violation[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    if (f.path.startsWith('src/store/') || !SQL.test(f.text)) continue;
    if (known.includes(f.path)) seen.add(f.path);
    else found.push({ from: f.path, to: 'SQL', message: 'only src/store/ runs SQL: go through its port' });
  }
  for (const k of known)
    if (!seen.has(k))
      found.push({ from: k, to: 'SQL', message: 'known exception no longer occurs: remove it' });
  return found;
}

export interface Import {
  /** Repository-relative paths, with .ts. */
  from: string;
  to: string;
}

export interface Violation extends Import {
  message: string;
}

/** The module a src/ path belongs to, or null outside src/. */
export function moduleOf(path: string): string | null {
  const parts = path.split('/');
  return parts[0] === 'src' && parts.length >= 2 ? (parts[1] as string) : null;
}

/** Pure: the imports that break the rules, and the known exceptions that no longer occur. */
export function violations(
  imports: readonly Import[],
  allowed: Readonly<Record<string, readonly string[]>> = ALLOWED,
  known: readonly { from: string; to: string }[] = KNOWN_EXCEPTIONS,
): Violation[] {
  const found: Violation[] = [];
  const used = new Set<string>();
  for (const i of imports) {
    const from = moduleOf(i.from);
    const to = moduleOf(i.to);
    if (from === null || to === null || from === to) continue;
    const rule = allowed[from];
    if (rule === undefined) {
      found.push({ ...i, message: `${from} has no layering rule: add it to scripts/layers.ts` });
      continue;
    }
    if (rule.includes('*') || rule.includes(to)) continue;
    const exception = known.find((k) => k.from === i.from && k.to === i.to);
    if (exception !== undefined) {
      used.add(`${exception.from} ${exception.to}`);
      continue;
    }
    found.push({ ...i, message: `${from} may not import ${to}` });
  }
  for (const k of known) {
    if (!used.has(`${k.from} ${k.to}`))
      found.push({ from: k.from, to: k.to, message: 'known exception no longer occurs: remove it' });
  }
  return found;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The non-test TypeScript files (.ts and .tsx) under src/, with their text. */
export function sourceFiles(root: string): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$/.test(entry.name))
        files.push({ path, text: readFileSync(join(root, path), 'utf8') });
    }
  };
  walk('src');
  return files;
}

/** Every relative import of these files, resolved to .ts paths. */
export function importsOf(files: readonly { path: string; text: string }[]): Import[] {
  const found: Import[] = [];
  for (const { path, text } of files) {
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2]) as string;
      const to = normalize(join(dirname(path), spec)).replace(/\.js$/, '.ts');
      found.push({ from: path, to: relative('.', to) });
    }
  }
  return found;
}
