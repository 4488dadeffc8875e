import { readFileSync } from 'node:fs';

/**
 * npx tsx bench/tools/profile-summary.ts FILE.cpuprofile [top] [fromS] [toS]: where a --cpu-prof profile
 * spent its time (by function, self and inclusive, and by file), optionally within a window of seconds
 * from the profile's start, so a bench finding can name file and function for one phase of a run.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const at = url.indexOf('/node_modules/');
  if (at >= 0) return url.slice(at + 1);
  const src = url.search(/\/(src|bench)\//);
  return src >= 0 ? url.slice(src + 1) : url || '(native)';
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([name, us]) =>
        `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`,
    );
}

const [file, count, fromS, toS] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile [top]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const fromUs = Number(fromS ?? 0) * 1e6;
const toUs = toS === undefined ? Number.POSITIVE_INFINITY : Number(toS) * 1e6;
const selfUs = new Map<number, number>();
let elapsedUs = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsedUs += delta;
  if (elapsedUs < fromUs || elapsedUs > toUs) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const nameOf = (node: ProfileNode) => {
  const frame = node.callFrame;
  const where = shortUrl(frame.url);
  return `${frame.functionName || '(anonymous)'}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
};
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
// Inclusive: a sample counts once for every distinct function on its stack.
const inclusive = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id) as ProfileNode;
  byFunction.set(nameOf(node), (byFunction.get(nameOf(node)) ?? 0) + us);
  const where = shortUrl(node.callFrame.url);
  byFile.set(where, (byFile.get(where) ?? 0) + us);
  const onStack = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    onStack.add(nameOf(byId.get(at) as ProfileNode));
  }
  for (const name of onStack) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  total += us;
}
const n = Number(count ?? 25);
process.stdout.write(
  `${[
    `total ${(total / 1000).toFixed(0)} ms`,
    '',
    'self time by function:',
    ...top(byFunction, total, n),
    '',
    'self time by file:',
    ...top(byFile, total, n),
    '',
    'inclusive time by function (src/ and bench/ only):',
    ...top(new Map([...inclusive].filter(([k]) => / {2}(src|bench)\//.test(k))), total, n),
  ].join('\n')}\n`,
);
