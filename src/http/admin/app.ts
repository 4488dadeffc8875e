import { OpenAPIHono } from '@hono/zod-openapi';
import type { AdminTokenDocument } from '../../config/index.js';
import { requireAdmin } from './auth.js';
import { refuseInvalid } from './openapi.js';
import type { AdminEnv } from './principal.js';
import { getToken } from './token/get.js';

export interface AdminDeps {
  /** The admin tokens in force: a reload may change them. */
  adminTokens: () => readonly AdminTokenDocument[];
}

/**
 * The admin API, mounted at /v1/admin: every request needs an admin token (401 before anything else,
 * unknown paths included, so the API's shape is not probed without one). Each resource is a router of
 * its own folder; errors are thrown as ApiError and answered by the app's single onError.
 */
export function createAdminApp(deps: AdminDeps): OpenAPIHono<AdminEnv> {
  const admin = new OpenAPIHono<AdminEnv>({ defaultHook: refuseInvalid() });
  admin.use('*', requireAdmin(deps.adminTokens));
  admin.route('/', getToken());
  return admin;
}
