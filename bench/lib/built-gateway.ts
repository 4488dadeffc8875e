import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './child-process.js';

type Package = typeof import('../../src/index.js');

/** The gateway child, compiled by buildGateway() from bench/processes/gateway-child.ts. */
export const GATEWAY_CHILD_SCRIPT = 'bench/.build/bench/processes/gateway-child.js';

/**
 * Compiles the gateway (tsc, as `npm start` does) and the bench's gateway child, so scenarios measure
 * the built package under plain Node. Run from source under tsx, the gateway process would carry tsx's
 * loader threads: measured at 54 MiB of extra RSS at idle (166 vs 112 MiB), and CPU no user pays.
 */
export function buildGateway(): void {
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  for (const project of ['tsconfig.build.json', 'bench/tsconfig.child.json']) {
    execFileSync(process.execPath, [tsc, '-p', project], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}

/** The built package (dist/index.js), typed as its source. */
export async function importBuiltGateway(): Promise<Package> {
  return (await import(pathToFileURL(join(REPO_ROOT, 'dist/index.js')).href)) as Package;
}
