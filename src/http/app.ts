import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { EventBus } from '../bus/event-bus.js';
import { isStoreRefusal, type MembershipDirectory } from '../bus/ports.js';
import { ConfigError } from '../config/index.js';
import { createConsole } from '../console/console.js';
import type { Logger } from '../log/logger.js';
import { type AdminDeps, createAdminApp } from './admin/app.js';
import { type ProducerEnv, type ProducerToken, requireBearer } from './auth.js';
import { ApiError, errorBody } from './errors.js';
import { declareRoutes, registerEventSchemas } from './routes/declarations.js';
import { docsRoutes, OPENAPI_INFO } from './routes/docs/get.js';
import { getEventTypes } from './routes/event-types/get.js';
import { postEvents } from './routes/events/post.js';
import { getHealth, type HealthProbe } from './routes/health/get.js';
import { getMetrics, type MetricsEndpoint } from './routes/metrics/get.js';
import { putSecurityGroup } from './routes/security-groups/put.js';

export interface AppDeps {
  bus: EventBus;
  directory: MembershipDirectory;
  /** The producer tokens in force: a reload may change them. */
  producerTokens: () => readonly ProducerToken[];
  health: HealthProbe;
  logger: Logger;
  admin: AdminDeps;
  /** GET /metrics (left out without it). */
  metrics?: MetricsEndpoint;
}

export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  let tokens = deps.producerTokens();
  let check = requireBearer(tokens);
  const producers: MiddlewareHandler<ProducerEnv> = (c, next) => {
    const current = deps.producerTokens();
    if (current !== tokens) {
      tokens = current;
      check = requireBearer(current);
    }
    return check(c, next);
  };

  app.route('/', getHealth(deps.health));
  app.route('/v1/event-types', getEventTypes());
  app.use('/v1/events', producers);
  app.route('/v1/events', postEvents(deps.bus));
  app.use('/v1/organizations/*', producers);
  app.route('/v1/organizations', putSecurityGroup(deps.directory));
  app.route('/v1/admin', createAdminApp(deps.admin));
  if (deps.metrics !== undefined) app.route('/', getMetrics(deps.metrics));
  declareRoutes(app);
  app.route(
    '/',
    docsRoutes(() => describeApp(app)),
  );
  // The console is an HTML app of its own beside the API (not part of the OpenAPI document): mounted, so
  // it sees its paths without the /console prefix and answers them all itself.
  app.mount(
    '/console',
    createConsole({
      api: (r) => app.fetch(r),
      logger: deps.logger,
      isShuttingDown: deps.health.isShuttingDown,
      trustForwardedProto: () => deps.admin.gateway().Console?.TrustForwardedProto === true,
    }).fetch,
  );

  app.notFound((c) =>
    c.json(errorBody(new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)), 404),
  );
  // The single place errors become responses: known ones keep their code, the rest are 500 and logged.
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(errorBody(error), error.status);
    // A configuration change refused by the document's own validation: its problems, paths and all.
    if (error instanceof ConfigError)
      return c.json(errorBody(new ApiError('BAD_REQUEST', 'Invalid configuration', error.problems)), 400);
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(errorBody(new ApiError('BAD_REQUEST', error.message)), error.status);
    }
    if (isStoreRefusal(error)) {
      // The batch was rolled back whole (or never reached the store): the producer may simply retry.
      deps.logger.warn({ err: error, path: c.req.path }, 'the store refused a write');
      c.header('Retry-After', '1');
      const refused = new ApiError(
        'STORE_UNAVAILABLE',
        'The events could not be recorded; none was accepted. Retry.',
      );
      return c.json(errorBody(refused), 503);
    }
    deps.logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(errorBody(new ApiError('INTERNAL', 'Internal error')), 500);
  });
  return app;
}

/** The app's OpenAPI 3.1 document (GET /openapi.json). */
export function describeApp(app: OpenAPIHono) {
  registerEventSchemas(app);
  return withBodyRefusals(app.getOpenAPI31Document(OPENAPI_INFO));
}

const BODY_REFUSALS = {
  413: "The body is over the route's limit (1 MiB for events and explain, 32 MiB for the rest of the admin API)",
  415: 'Content-Type is not application/json',
} as const;

/**
 * Every route that reads a body answers 413 over its limit and 415 for another Content-Type (the body
 * middleware does, before the route): the document says so for each, whatever the route declared.
 */
function withBodyRefusals<D extends ReturnType<OpenAPIHono['getOpenAPI31Document']>>(document: D): D {
  for (const item of Object.values(document.paths ?? {}))
    for (const operation of Object.values(item as Record<string, unknown>)) {
      const op = operation as { requestBody?: unknown; responses?: Record<string, unknown> };
      if (op.requestBody === undefined || op.responses === undefined) continue;
      for (const [status, description] of Object.entries(BODY_REFUSALS))
        op.responses[status] ??= {
          description,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        };
    }
  return document;
}
