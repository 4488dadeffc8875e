import { importsOf, sourceFiles, sqlOutsideStore, violations } from './layers.js';

/**
 * `npm run lint` runs this: every import in src/ that breaks the layering of scripts/layers.ts, and every
 * file outside src/store/ that runs SQL.
 */
const files = sourceFiles(process.cwd());
const found = [...violations(importsOf(files)), ...sqlOutsideStore(files)];
for (const v of found) process.stderr.write(`${v.from} -> ${v.to}: ${v.message}\n`);
if (found.length > 0) process.exit(1);
process.stdout.write('layers: every import in src/ points down, and only src/store/ runs SQL\n');
