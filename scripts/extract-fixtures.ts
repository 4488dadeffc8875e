/**
 * Extracts the example payloads and property tables from the Enreach webhook spec:
 *   test/fixtures/events/<EventType>.json        one per "Example payload of Event: X"
 *   test/fixtures/events/helpers/<Name>.json     one per "Example payload of Misc: X"
 *   test/fixtures/spec-tables.json               { [EventType or helper]: { [property]: valueType } }
 *
 * Usage: npx tsx scripts/extract-fixtures.ts [path/to/enreach-webhooks.txt]
 * The parser is exported so scripts/generate-catalogue.ts reads the spec the same way.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type SpecSection = 'User' | 'Queue' | 'CallList';

export interface SpecEntry {
  name: string;
  kind: 'Event' | 'Misc';
  /** Only events belong to a section; the Misc helpers are listed inside Queue and CallList but shared. */
  section: SpecSection | null;
  /** The prose between the example (or heading) and the table. */
  description: string;
  example: Record<string, unknown> | null;
  table: Record<string, string> | null;
  propertyDescriptions: Record<string, string>;
}

const SECTIONS: readonly string[] = ['User', 'Queue', 'CallList'];
const HEADING = /^(Event|Misc): (\w+)$/;
const EXAMPLE = /^Example payload of (Event|Misc): (\w+)$/;
const TABLE_HEADER = 'Property name | Value type | Description |';
const TABLE_RULE = '---|---|---|';
// The value type may contain spaces (Dictionary<string, string>) but never a pipe; descriptions may.
const TABLE_ROW = /^(\w+) \| ([^|]+?) \| (.*)\|$/;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SPEC_PATH = resolve(REPO_ROOT, '../shared/spec/enreach-webhooks.txt');

export function parseSpec(text: string): SpecEntry[] {
  const lines = text.split(/\r?\n/);
  const start = lines.indexOf('Common event properties');
  if (start < 0) throw new Error('spec: "Common event properties" heading not found');
  const entries: SpecEntry[] = [];
  let section: SpecSection | null = null;
  let current: SpecEntry | null = null;

  for (let i = start; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (SECTIONS.includes(line) && HEADING.test((lines[i + 1] ?? '').trim())) {
      section = line as SpecSection;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const kind = heading[1] as 'Event' | 'Misc';
      if (kind === 'Event' && section === null) {
        throw new Error(`spec line ${i + 1}: event outside a section`);
      }
      current = {
        name: heading[2] as string,
        kind,
        section: kind === 'Event' ? section : null,
        description: '',
        example: null,
        table: null,
        propertyDescriptions: {},
      };
      entries.push(current);
      continue;
    }
    const example = EXAMPLE.exec(line);
    if (example) {
      if (!current || current.name !== example[2]) {
        throw new Error(`spec line ${i + 1}: example outside its section`);
      }
      const { value, next } = readJsonObject(lines, i + 1);
      current.example = value;
      i = next - 1;
      continue;
    }
    if (line === TABLE_HEADER) {
      if (!current) throw new Error(`spec line ${i + 1}: property table outside a section`);
      if (current.table) throw new Error(`spec line ${i + 1}: second property table for ${current.name}`);
      const { table, descriptions, next } = readTable(lines, i + 1, current.name);
      current.table = table;
      current.propertyDescriptions = descriptions;
      i = next - 1;
      continue;
    }
    if (current && !current.table && line) {
      current.description = current.description ? `${current.description} ${line}` : line;
    }
  }
  return entries;
}

export interface SpecFullRequest {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const FULL_REQUEST = 'Example full request (line breaks in body added for readability)';

/** The spec's "Example full request": the headers Enreach sends and the body, as the spec writes them. */
export function parseFullRequest(text: string): SpecFullRequest {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === FULL_REQUEST);
  if (start < 0) throw new Error(`spec: "${FULL_REQUEST}" heading not found`);
  const headers: Record<string, string> = {};
  let i = start + 2; // past the heading and the request line (POST /webhook/)
  for (; i < lines.length && (lines[i] ?? '').trim() !== '{'; i++) {
    const header = /^([\w-]+):\s*(.*)$/.exec((lines[i] ?? '').trim());
    if (!header) throw new Error(`spec line ${i + 1}: expected a header of the full request`);
    headers[header[1] as string] = (header[2] as string).trim();
  }
  return { headers, body: readJsonObject(lines, i).value };
}

/** Reads the JSON object starting at line `from` (its opening brace) up to its balancing brace. */
function readJsonObject(lines: string[], from: number): { value: Record<string, unknown>; next: number } {
  if ((lines[from] ?? '').trim() !== '{') {
    throw new Error(`spec line ${from + 1}: expected "{" after example heading`);
  }
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = from; i < lines.length; i++) {
    for (const ch of lines[i] ?? '') {
      if (escaped) escaped = false;
      else if (inString && ch === '\\') escaped = true;
      else if (ch === '"') inString = !inString;
      else if (!inString && (ch === '{' || ch === '[')) depth++;
      else if (!inString && (ch === '}' || ch === ']')) depth--;
    }
    if (depth === 0) {
      const value: unknown = JSON.parse(lines.slice(from, i + 1).join('\n'));
      return { value: value as Record<string, unknown>, next: i + 1 };
    }
  }
  throw new Error(`spec line ${from + 1}: unterminated example payload`);
}

function readTable(
  lines: string[],
  from: number,
  owner: string,
): { table: Record<string, string>; descriptions: Record<string, string>; next: number } {
  if ((lines[from] ?? '').trim() !== TABLE_RULE)
    throw new Error(`spec line ${from + 1}: expected ${TABLE_RULE}`);
  const table: Record<string, string> = {};
  const descriptions: Record<string, string> = {};
  let i = from + 1;
  for (; i < lines.length; i++) {
    const row = TABLE_ROW.exec((lines[i] ?? '').trim());
    if (!row) break;
    const [, property, valueType, description] = row as unknown as [string, string, string, string];
    if (property in table) throw new Error(`spec line ${i + 1}: ${owner}.${property} listed twice`);
    table[property] = valueType.trim();
    descriptions[property] = description.trim();
  }
  const following = (lines[i] ?? '').trim();
  if (following !== '' && !HEADING.test(following) && !SECTIONS.includes(following)) {
    throw new Error(`spec line ${i + 1}: unexpected line after the ${owner} table: ${following}`);
  }
  return { table, descriptions, next: i };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Rewrites one directory's *.json files so a renamed or removed example leaves nothing stale behind. */
function replaceJsonFiles(dir: string, files: ReadonlyMap<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith('.json')) rmSync(join(dir, name));
  for (const [name, value] of files) writeJson(join(dir, `${name}.json`), value);
}

function main(specPath: string): void {
  const entries = parseSpec(readFileSync(specPath, 'utf8'));
  const events = entries.filter((e) => e.kind === 'Event');
  const helpers = entries.filter((e) => e.kind === 'Misc');
  const eventExamples = new Map(events.flatMap((e) => (e.example ? [[e.name, e.example] as const] : [])));
  const helperExamples = new Map(helpers.flatMap((e) => (e.example ? [[e.name, e.example] as const] : [])));
  const tables = Object.fromEntries(entries.flatMap((e) => (e.table ? [[e.name, e.table]] : [])));
  const eventTables = events.filter((e) => e.table).length;
  // Checked before writing, so a spec the parser misreads cannot replace good fixtures with fewer.
  if (eventExamples.size < 79 || eventTables < 80) {
    throw new Error(
      `expected at least 79 event examples and 80 event tables, found ${eventExamples.size} and ${eventTables}`,
    );
  }

  const fixtures = join(REPO_ROOT, 'test/fixtures');
  replaceJsonFiles(join(fixtures, 'events'), eventExamples);
  replaceJsonFiles(join(fixtures, 'events/helpers'), helperExamples);
  writeJson(join(fixtures, 'spec-tables.json'), tables);
  writeJson(join(fixtures, 'full-request.json'), parseFullRequest(readFileSync(specPath, 'utf8')));

  console.log(`spec: ${specPath}`);
  console.log(
    `event types: ${events.length} (User ${count(events, 'User')}, Queue ${count(events, 'Queue')}, CallList ${count(events, 'CallList')})`,
  );
  console.log(`event examples: ${eventExamples.size}, event tables: ${eventTables}`);
  console.log(
    `helper types: ${helpers.length} (examples ${helperExamples.size}): ${helpers.map((h) => h.name).join(', ')}`,
  );
  for (const e of events) {
    if (!e.example) console.log(`  no example payload: ${e.name}`);
    if (!e.table) console.log(`  no property table: ${e.name}`);
  }
}

function count(events: SpecEntry[], section: SpecSection): number {
  return events.filter((e) => e.section === section).length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(resolve(process.argv[2] ?? DEFAULT_SPEC_PATH));
  } catch (error) {
    console.error(`extract-fixtures failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
