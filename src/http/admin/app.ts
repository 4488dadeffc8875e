import { OpenAPIHono } from '@hono/zod-openapi';
import type { AdminTokenDocument, GatewaySection } from '../../config/index.js';
import { limitBody } from '../body-limit.js';
import { auditRoutes } from './audit/routes.js';
import { requireAdmin } from './auth.js';
import { configRoutes } from './config/routes.js';
import type { ConfigurationAdmin } from './config-port.js';
import { getGateway } from './gateway/get.js';
import { refuseInvalid } from './openapi.js';
import { type SupportOperations, supportRoutes } from './ops/index.js';
import { organizationRoutes } from './organizations/routes.js';
import type { AdminEnv } from './principal.js';
import { securityGroupRoutes } from './security-groups/routes.js';
import { subscriptionRoutes } from './subscriptions/routes.js';
import { getToken } from './token/get.js';
import type { AdminTokensPort } from './tokens/port.js';
import { tokenRoutes } from './tokens/routes.js';
import { webhookRoutes } from './webhooks/routes.js';

/** Room for a whole document of 100,000 subscriptions, or a group of 100,000 members. */
export const MAX_ADMIN_BODY_BYTES = 32 * 1024 * 1024;

export interface AdminDeps {
  /** The admin tokens in force: a reload may change them. */
  adminTokens: () => readonly AdminTokenDocument[];
  configuration: ConfigurationAdmin;
  /** The tokens of the file (listed) and those created over the API. */
  tokens: AdminTokensPort;
  /** The Gateway section in force (the file's, as started or last reloaded). */
  gateway: () => GatewaySection;
  /** Support's operations (src/service/support/); their routes are left out without them. */
  support?: SupportOperations;
}

/**
 * The admin API, mounted at /v1/admin: every request needs an admin token (401 before anything else,
 * unknown paths included, so the API's shape is not probed without one). Each resource is a router of
 * its own folder; errors are thrown as ApiError and answered by the app's single onError.
 */
export function createAdminApp(deps: AdminDeps): OpenAPIHono<AdminEnv> {
  const admin = new OpenAPIHono<AdminEnv>({ defaultHook: refuseInvalid() });
  admin.use('*', requireAdmin(deps.adminTokens));
  // After the token check: only an admin may make the gateway read a body at all.
  admin.use('*', limitBody(MAX_ADMIN_BODY_BYTES, 'Body'));
  admin.route('/', getToken());
  admin.route('/', tokenRoutes(deps.tokens));
  admin.route('/', getGateway(deps.gateway));
  admin.route('/', organizationRoutes(deps.configuration));
  admin.route('/', webhookRoutes(deps.configuration));
  admin.route('/', subscriptionRoutes(deps.configuration));
  admin.route('/', securityGroupRoutes(deps.configuration));
  admin.route('/', configRoutes(deps.configuration));
  admin.route('/', auditRoutes(deps.configuration));
  if (deps.support !== undefined) supportRoutes(admin, deps.support);
  return admin;
}
