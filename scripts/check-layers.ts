import { importsOf, violations } from './layers.js';

/** `npm run lint` runs this: every import in src/ that breaks the layering of scripts/layers.ts. */
const found = violations(importsOf(process.cwd()));
for (const v of found) process.stderr.write(`${v.from} -> ${v.to}: ${v.message}\n`);
if (found.length > 0) process.exit(1);
process.stdout.write('layers: every import in src/ points down\n');
