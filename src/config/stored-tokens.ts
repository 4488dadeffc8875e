import { createHash } from 'node:crypto';
import { jsonPath, type Problem } from '../problems.js';
import type { StoredAdminToken } from '../store/config/admin-tokens.js';
import { ConfigError } from './config-error.js';
import type { AdminTokenDocument, GatewaySection, ProducerTokenDocument } from './schema.js';

/** A token's SHA-256 in lower-case hex, as stored and as TokenSha256 is compared. */
export const tokenSha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

const fileDigest = (token: AdminTokenDocument): string =>
  token.Token === undefined ? (token.TokenSha256 ?? '').toLowerCase() : tokenSha256(token.Token);

const producerDigests = (tokens: readonly ProducerTokenDocument[]): Set<string> =>
  new Set(tokens.map((t) => tokenSha256(typeof t === 'string' ? t : t.Token)));

/**
 * Problems of a Gateway section against the tokens created over the admin API: a file token may not take
 * the Name of one (the audit log names tokens, and a file token would shadow it), and no token of the
 * file, admin or producer, may be the same token as one. The file is refused whole, naming each.
 */
export function storedTokenProblems(gateway: GatewaySection, stored: readonly StoredAdminToken[]): Problem[] {
  if (stored.length === 0) return [];
  const byName = new Set(stored.map((t) => t.name));
  const byDigest = new Map(stored.map((t) => [t.tokenSha256, t.name]));
  const problems: Problem[] = [];
  gateway.AdminTokens.forEach((token, i) => {
    const path = ['Gateway', 'AdminTokens', i];
    if (byName.has(token.Name))
      problems.push({
        path: jsonPath([...path, 'Name']),
        message: `is the Name of a token created over the admin API: choose another, or delete that one first (DELETE /v1/admin/tokens/${encodeURIComponent(token.Name)})`,
      });
    const same = byDigest.get(fileDigest(token));
    if (same !== undefined)
      problems.push({
        path: jsonPath([...path, token.Token === undefined ? 'TokenSha256' : 'Token']),
        message: `is the same token as "${same}", created over the admin API`,
      });
  });
  gateway.ProducerTokens.forEach((token, i) => {
    const same = byDigest.get(tokenSha256(typeof token === 'string' ? token : token.Token));
    if (same !== undefined)
      problems.push({
        path: jsonPath(['Gateway', 'ProducerTokens', i, ...(typeof token === 'string' ? [] : ['Token'])]),
        message: `is the admin token "${same}", created over the admin API: admin and producer tokens must differ`,
      });
  });
  return problems;
}

/** Throws ConfigError naming every clash of the file's tokens with the stored ones. */
export function refuseStoredTokenClash(
  gateway: GatewaySection,
  stored: readonly StoredAdminToken[],
  source?: string,
): void {
  const problems = storedTokenProblems(gateway, stored);
  if (problems.length > 0) throw new ConfigError(problems, source);
}

/**
 * The admin tokens in force: the file's, then the stored ones that clash with none of the file's tokens.
 * A file is refused when it clashes (storedTokenProblems), so `left` is normally empty; it guards the one
 * race where a token is created while a reload is validated.
 */
export function tokensInForce(
  file: { admin: readonly AdminTokenDocument[]; producer: readonly ProducerTokenDocument[] },
  stored: readonly StoredAdminToken[],
): { tokens: AdminTokenDocument[]; left: string[] } {
  const names = new Set(file.admin.map((t) => t.Name));
  const digests = new Set([...file.admin.map(fileDigest), ...producerDigests(file.producer)]);
  const tokens: AdminTokenDocument[] = [...file.admin];
  const left: string[] = [];
  for (const t of stored) {
    if (names.has(t.name) || digests.has(t.tokenSha256)) {
      left.push(t.name);
      continue;
    }
    tokens.push({
      Name: t.name,
      TokenSha256: t.tokenSha256,
      Role: t.role,
      ...(t.organizations === null ? {} : { Organizations: t.organizations }),
    });
  }
  return { tokens, left };
}
