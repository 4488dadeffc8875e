import { createHash } from 'node:crypto';
import {
  appliedDocumentHash,
  recordAppliedDocument,
  START_DOCUMENT,
} from '../store/config/applied-document.js';
import type { Change } from '../store/config/state.js';
import type { GatewayDatabase } from '../store/database.js';
import { applyConfig } from './apply.js';
import type { ParsedConfig } from './parse.js';

/** The document's Organizations as a digest: the same desired state gives the same hash, whatever its layout. */
export function organizationsHash(config: ParsedConfig): string {
  return createHash('sha256').update(JSON.stringify(config.organizations)).digest('hex');
}

/**
 * The start-up rule. The store is the source of truth (the admin API changes it), so the configuration
 * file's Organizations are applied at start only when they differ from the ones last applied from it;
 * then it is an import, audited as `document`. Returns the changes, or null when the file was unchanged.
 */
export function applyAtStart(g: GatewayDatabase, config: ParsedConfig): Change[] | null {
  const hash = organizationsHash(config);
  if (appliedDocumentHash(g, START_DOCUMENT) === hash) return null;
  const changes = applyConfig(g, config);
  recordAppliedDocument(g, START_DOCUMENT, hash);
  return changes;
}

/** SIGHUP re-reads the same file and applies it always: it becomes the one last applied. */
export function applyReloaded(g: GatewayDatabase, config: ParsedConfig): Change[] {
  const changes = applyConfig(g, config);
  recordAppliedDocument(g, START_DOCUMENT, organizationsHash(config));
  return changes;
}
