import { randomBytes } from 'node:crypto';
import {
  type AdminTokenDocument,
  deleteAdminToken,
  type GatewaySection,
  insertAdminToken,
  readStoredAdminTokens,
  type StoredAdminToken,
  tokenSha256,
  tokensInForce,
} from '../config/index.js';
import type { AdminTokensPort, AdminTokenView } from '../http/admin/tokens/port.js';
import { ApiError } from '../http/errors.js';
import type { Logger } from '../log/logger.js';
import type { GatewayDatabase } from '../store/database.js';

const apiView = (t: StoredAdminToken): AdminTokenView => ({
  Name: t.name,
  Role: t.role,
  Organizations: t.organizations,
  Source: 'api',
  CreatedAt: new Date(t.createdAt).toISOString(),
  CreatedBy: t.createdBy,
});

const fileView = (t: AdminTokenDocument): AdminTokenView => ({
  Name: t.Name,
  Role: t.Role,
  Organizations: t.Organizations?.map((o) => o.toLowerCase()) ?? null,
  Source: 'file',
});

/**
 * The admin tokens in force: the file's Gateway.AdminTokens (reloaded with it) and the ones created over
 * the admin API (stored as SHA-256 digests). The bearer check reads `inForce()` at every request, so a
 * token created or deleted here opens or stops opening the API from the next request on.
 */
export class AdminTokenRegistry implements AdminTokensPort {
  private file: { admin: readonly AdminTokenDocument[]; producer: GatewaySection['ProducerTokens'] };
  private stored: StoredAdminToken[];
  private current: AdminTokenDocument[] = [];

  constructor(
    private readonly database: GatewayDatabase,
    gateway: GatewaySection,
    private readonly logger: Logger,
  ) {
    this.file = { admin: gateway.AdminTokens, producer: gateway.ProducerTokens };
    this.stored = readStoredAdminTokens(database);
    this.recompute();
  }

  /** The tokens the bearer check accepts (a new array whenever they change). */
  inForce = (): readonly AdminTokenDocument[] => this.current;

  /** A reload's tokens (the file's admin and producer tokens). */
  setFileTokens(gateway: Pick<GatewaySection, 'AdminTokens' | 'ProducerTokens'>): void {
    this.file = { admin: gateway.AdminTokens, producer: gateway.ProducerTokens };
    this.recompute();
  }

  list(): AdminTokenView[] {
    return [...this.file.admin.map(fileView), ...this.stored.map(apiView)].sort((a, b) =>
      a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0,
    );
  }

  create(actor: string, input: { Name: string; Role: AdminTokenDocument['Role']; Organizations?: string[] }) {
    if (this.file.admin.some((t) => t.Name === input.Name))
      throw new ApiError(
        'CONFLICT',
        `Token "${input.Name}" is in the configuration file (Gateway.AdminTokens): choose another Name`,
      );
    const token = `gwa_${randomBytes(32).toString('base64url')}`;
    const stored: StoredAdminToken = {
      name: input.Name,
      tokenSha256: tokenSha256(token),
      role: input.Role,
      organizations:
        input.Organizations === undefined
          ? null
          : [...new Set(input.Organizations.map((o) => o.toLowerCase()))],
      createdAt: Date.now(),
      createdBy: actor,
    };
    if (!insertAdminToken(this.database, stored))
      throw new ApiError('CONFLICT', `Token "${input.Name}" exists: delete it first, or choose another Name`);
    this.stored = readStoredAdminTokens(this.database);
    this.recompute();
    return { view: apiView(stored), token };
  }

  remove(actor: string, name: string): AdminTokenView {
    if (this.file.admin.some((t) => t.Name === name))
      throw new ApiError(
        'CONFLICT',
        `Token "${name}" is in the configuration file (Gateway.AdminTokens): remove it there and reload (SIGHUP)`,
      );
    const deleted = deleteAdminToken(this.database, name, actor, Date.now());
    if (deleted === null) throw new ApiError('NOT_FOUND', `Token "${name}" not found`);
    this.stored = readStoredAdminTokens(this.database);
    this.recompute();
    return apiView(deleted);
  }

  private recompute(): void {
    const { tokens, left } = tokensInForce(this.file, this.stored);
    this.current = tokens;
    if (left.length > 0)
      this.logger.error(
        { tokens: left },
        'admin tokens created over the API clash with the configuration file and open nothing: delete them',
      );
  }
}
