export {
  deleteAdminToken,
  insertAdminToken,
  readStoredAdminTokens,
  type StoredAdminToken,
} from '../store/config/admin-tokens.js';
export type { AuditQuery, AuditRecord } from '../store/config/audit.js';
export { readState } from '../store/config/read-state.js';
export { replaceSecurityGroupMembers } from '../store/config/security-groups.js';
export type { OrgState, SecurityGroupState, SubscriptionState, WebhookState } from '../store/config/state.js';
export { type ApplyOptions, applyConfig } from './apply.js';
export { type AuditEntry, auditEntries, DOCUMENT_ACTOR } from './audit.js';
export { ConfigError } from './config-error.js';
export { applyEdit, type EditOptions, type EditResult, type OrganizationEdit } from './edit.js';
export { exportConfig, organizationDocument } from './export.js';
export { parseJsonText } from './json-text.js';
export { type ListenAddress, parseListen } from './listen.js';
export { DEFAULT_CONFIG_PATH, type LoadConfigOptions, loadConfig } from './load.js';
export { type ParsedConfig, parseConfigDocument } from './parse.js';
export { type Change, type ChangeKind, type ChangeOp, formatChange, planChanges } from './plan.js';
export * from './resources.js';
export { retentionPolicy } from './retention.js';
export * from './schema.js';
export { applyAndRecord, applyFileIfChanged, organizationsHash } from './start-document.js';
export { refuseStoredTokenClash, storedTokenProblems, tokenSha256, tokensInForce } from './stored-tokens.js';
