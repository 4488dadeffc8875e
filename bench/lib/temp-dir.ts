import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from './scope.js';

/** A fresh folder under the system temp dir, removed when the scope closes. */
export function tempDir(scope: Scope, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  scope.removeDirLater(dir);
  return dir;
}
