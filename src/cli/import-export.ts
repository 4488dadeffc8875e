import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { applyConfig, exportConfig, formatChange, loadConfig } from '../config/index.js';
import { openDatabase } from '../store/database.js';

/**
 * `gateway import FILE [--dry-run]`: applies FILE as the desired state of the organizations it lists,
 * to the database it names (or GATEWAY_DATABASE), printing each change; --dry-run prints without applying.
 */
export function importCommand(file: string, dryRun: boolean): void {
  const { config } = loadConfig({ env: { ...process.env, GATEWAY_CONFIG: file } });
  const database = openDatabase(config.gateway.Database);
  try {
    const changes = applyConfig(database, config, { dryRun });
    for (const change of changes) process.stdout.write(`${formatChange(change)}\n`);
    const verb = dryRun ? 'would apply' : 'applied';
    process.stdout.write(
      `${changes.length === 0 ? 'no changes' : `${verb} ${changes.length} change(s)`} to ${config.gateway.Database}\n`,
    );
  } finally {
    database.close();
  }
}

/**
 * `gateway export [FILE]`: writes the current state as a configuration document that imports to the same
 * state, to FILE or standard output. It holds webhook Secrets and producer tokens: treat it as a secret.
 */
export function exportCommand(file: string | undefined): void {
  const { config } = loadConfig();
  const database = openDatabase(config.gateway.Database);
  try {
    const text = `${JSON.stringify(exportConfig(database, config.gateway), null, 2)}\n`;
    if (file === undefined) process.stdout.write(text);
    else writeSecret(resolve(file), text);
  } finally {
    database.close();
  }
}

/**
 * Writes text readable by its owner alone, over an existing file too: open's mode applies only to a file
 * it creates, so the mode is set before the first byte is written, never after.
 */
export function writeSecret(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
