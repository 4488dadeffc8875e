import {
  applyFileIfChanged,
  ConfigError,
  loadConfig,
  readStoredAdminTokens,
  refuseStoredTokenClash,
} from '../../config/index.js';
import { DocumentOwnsMembersError, replaceSecurityGroupMembers } from '../../store/config/security-groups.js';
import type { GatewayDatabase } from '../../store/database.js';
import type { ConfigFailure, ConfigRequest, ConfigResult, RunningSettings } from './protocol.js';

/** Keys of the Gateway section that only a restart can change. */
const RESTART_ONLY = ['Listen', 'Database'] as const;

/**
 * Does one configuration request on the given connection: in the configuration thread for a file
 * database, in the caller's thread for `:memory:`. Reading, validating and applying a document of 100,000
 * subscriptions takes long enough that the gateway's event loop must not be the one doing it.
 */
export function doConfigWork(database: GatewayDatabase, request: ConfigRequest): ConfigResult {
  if (request.op === 'replaceMembers') {
    const { organizationId, securityGroupId, entityIds } = request;
    const ids = entityIds === '' ? [] : entityIds.split('\n');
    const stored = replaceSecurityGroupMembers(database, organizationId, securityGroupId, ids);
    return { op: 'replaceMembers', stored: { ...stored, entityIds: stored.entityIds.join('\n') } };
  }
  const { config, path } = loadConfig({ env: request.env });
  refuseRestartOnly(config.gateway, request.running, path);
  // Read here, on this thread's connection: a token created over the API is committed before it answers.
  refuseStoredTokenClash(config.gateway, readStoredAdminTokens(database), path);
  const changes = applyFileIfChanged(database, config);
  return {
    op: 'applyFile',
    changes: changes ?? [],
    organizationsUnchanged: changes === null,
    gateway: config.gateway,
  };
}

/** A document that changes Listen or Database is refused whole: those need a restart. */
export function refuseRestartOnly(next: RunningSettings, running: RunningSettings, source?: string): void {
  const problems = RESTART_ONLY.filter((key) => next[key] !== running[key]).map((key) => ({
    path: `$.Gateway.${key}`,
    message: `changed from ${JSON.stringify(running[key])} to ${JSON.stringify(next[key])}: a restart is needed to apply it (nothing was reloaded)`,
  }));
  if (problems.length > 0) throw new ConfigError(problems, source);
}

export function failureOf(error: unknown): ConfigFailure {
  if (error instanceof ConfigError) return { kind: 'config', problems: error.problems, source: error.source };
  if (error instanceof DocumentOwnsMembersError)
    return {
      kind: 'document-owns-members',
      organizationId: error.organizationId,
      securityGroupId: error.securityGroupId,
    };
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** The error the inline path would have thrown. */
export function errorOf(failure: ConfigFailure): Error {
  switch (failure.kind) {
    case 'config':
      return new ConfigError(failure.problems, failure.source);
    case 'document-owns-members':
      return new DocumentOwnsMembersError(failure.organizationId, failure.securityGroupId);
    default:
      return new Error(failure.message);
  }
}
