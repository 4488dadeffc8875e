import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './child-process.js';

type Package = typeof import('../../src/index.js');

/**
 * Compiles the gateway (tsc, as `npm start` does) so scenarios measure the built package under plain
 * Node. Run from source, the gateway would carry tsx's loader threads, one for the process and one for
 * its store thread: measured at about 70 MB of extra RSS at idle, and CPU no user pays.
 */
export function buildGateway(): void {
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
}

/** The built package (dist/index.js), typed as its source. */
export async function importBuiltGateway(): Promise<Package> {
  return (await import(pathToFileURL(join(REPO_ROOT, 'dist/index.js')).href)) as Package;
}
