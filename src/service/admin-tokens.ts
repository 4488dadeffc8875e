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

/** Where the tokens created over the API are kept (SQLite or PostgreSQL). */
export interface StoredAdminTokens {
  read(): Promise<StoredAdminToken[]>;
  /** False, having written nothing, when the Name or the digest is taken. */
  insert(token: StoredAdminToken): Promise<boolean>;
  /** The token deleted, or null when there was none. */
  delete(name: string, actor: string, at: number): Promise<StoredAdminToken | null>;
}

/** The stored tokens of a gateway on SQLite. */
export const sqliteAdminTokens = (database: GatewayDatabase): StoredAdminTokens => ({
  read: async () => readStoredAdminTokens(database),
  insert: async (token) => insertAdminToken(database, token),
  delete: async (name, actor, at) => deleteAdminToken(database, name, actor, at),
});

/**
 * The admin tokens in force: the file's Gateway.AdminTokens (reloaded with it) and the ones created over
 * the admin API (stored as SHA-256 digests). The bearer check reads `inForce()` at every request, so a
 * token created or deleted here opens or stops opening the API from the next request on; one created or
 * deleted by another process (another instance on PostgreSQL) from the next `reload()`.
 */
export class AdminTokenRegistry implements AdminTokensPort {
  private file: { admin: readonly AdminTokenDocument[]; producer: GatewaySection['ProducerTokens'] };
  private stored: StoredAdminToken[];
  private current: AdminTokenDocument[] = [];
  private reads = 0;

  /** `stored`: the tokens the store holds now (read before, so that a start can refuse a clash first). */
  constructor(
    private readonly store: StoredAdminTokens,
    stored: StoredAdminToken[],
    gateway: GatewaySection,
    private readonly logger: Logger,
  ) {
    this.stored = stored;
    this.file = { admin: gateway.AdminTokens, producer: gateway.ProducerTokens };
    this.recompute();
  }

  /** Reads the stored tokens again (another process may have changed them). */
  async reload(): Promise<void> {
    // Reads may overlap (a change of this instance and a catch-up after another's): only the one started
    // last is kept, so a read begun before a deletion committed cannot bring the deleted token back.
    const ticket = ++this.reads;
    const stored = await this.store.read();
    if (ticket !== this.reads) return;
    this.stored = stored;
    this.recompute();
  }

  /** The tokens the bearer check accepts (a new array whenever they change). */
  inForce = (): readonly AdminTokenDocument[] => this.current;

  /** A reload's tokens (the file's admin and producer tokens). */
  setFileTokens(gateway: Pick<GatewaySection, 'AdminTokens' | 'ProducerTokens'>): void {
    this.file = { admin: gateway.AdminTokens, producer: gateway.ProducerTokens };
    this.recompute();
  }

  async list(): Promise<AdminTokenView[]> {
    return [...this.file.admin.map(fileView), ...this.stored.map(apiView)].sort((a, b) =>
      a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0,
    );
  }

  async create(
    actor: string,
    input: { Name: string; Role: AdminTokenDocument['Role']; Organizations?: string[] },
  ): Promise<{ view: AdminTokenView; token: string }> {
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
    if (!(await this.store.insert(stored)))
      throw new ApiError('CONFLICT', `Token "${input.Name}" exists: delete it first, or choose another Name`);
    await this.reload();
    return { view: apiView(stored), token };
  }

  async remove(actor: string, name: string): Promise<AdminTokenView> {
    if (this.file.admin.some((t) => t.Name === name))
      throw new ApiError(
        'CONFLICT',
        `Token "${name}" is in the configuration file (Gateway.AdminTokens): remove it there and reload (SIGHUP)`,
      );
    const deleted = await this.store.delete(name, actor, Date.now());
    if (deleted === null) throw new ApiError('NOT_FOUND', `Token "${name}" not found`);
    await this.reload();
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
