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
 * The configuration file's rule, at start and on SIGHUP. The store is the source of truth (the admin API
 * and `gateway import` change it), so the file's Organizations are applied only when they differ from
 * the ones last applied from it; then it is an import, audited as `document`. A file whose Organizations
 * are unchanged (a reload to rotate a token in the Gateway section) leaves the store as it is. Returns the
 * changes, or null when the Organizations were unchanged.
 */
export function applyFileIfChanged(g: GatewayDatabase, config: ParsedConfig): Change[] | null {
  const hash = organizationsHash(config);
  if (appliedDocumentHash(g, START_DOCUMENT) === hash) return null;
  const changes = applyConfig(g, config);
  recordAppliedDocument(g, START_DOCUMENT, hash);
  return changes;
}

/** A document applied in process (RunningGateway.reload): always, and it becomes the one last applied. */
export function applyAndRecord(g: GatewayDatabase, config: ParsedConfig): Change[] {
  const changes = applyConfig(g, config);
  recordAppliedDocument(g, START_DOCUMENT, organizationsHash(config));
  return changes;
}
