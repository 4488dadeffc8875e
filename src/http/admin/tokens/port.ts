import type { AdminRole } from '../../../config/index.js';

/** An admin token as the API shows it: never the token or its digest. */
export interface AdminTokenView {
  Name: string;
  Role: AdminRole;
  /** Lower-cased; null for every organization. */
  Organizations: string[] | null;
  /** `file`: Gateway.AdminTokens, read-only here; `api`: created over this API. */
  Source: 'file' | 'api';
  /** Only for tokens created over the API. */
  CreatedAt?: string;
  CreatedBy?: string;
}

export interface NewAdminToken {
  Name: string;
  Role: AdminRole;
  Organizations?: string[];
}

/**
 * The admin tokens over the API (implemented by the service): the file's, listed only, and the ones
 * created here, stored as digests. Every change takes effect at the next request.
 */
export interface AdminTokensPort {
  list(): Promise<AdminTokenView[]>;
  /** Throws ApiError CONFLICT when the Name is taken (by a file token or a stored one). */
  create(actor: string, token: NewAdminToken): Promise<{ view: AdminTokenView; token: string }>;
  /** Throws ApiError NOT_FOUND, or CONFLICT for a file token. */
  remove(actor: string, name: string): Promise<AdminTokenView>;
}
