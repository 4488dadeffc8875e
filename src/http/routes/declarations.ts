import type { OpenAPIHono } from '@hono/zod-openapi';
import { docsAssetRoute, docsRoute, openApiRoute } from './docs/openapi.js';
import { getEventTypeRoute, listEventTypesRoute } from './event-types/openapi.js';
import { eventSchemaComponents, postEventsRoute } from './events/openapi.js';
import { healthzRoute, readyzRoute } from './health/openapi.js';
import { putSecurityGroupRoute } from './security-groups/openapi.js';

/**
 * The producer, catalogue, health and docs routes in the OpenAPI document. They are declared, not
 * routed through the OpenAPI layer: each keeps its own parsing, validation and error messages.
 */
export function declareRoutes(app: OpenAPIHono): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'ProducerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'One of Gateway.ProducerTokens',
  });
  registry.registerComponent('securitySchemes', 'AdminToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'One of Gateway.AdminTokens',
  });
  for (const [name, schema] of eventSchemaComponents()) registry.registerComponent('schemas', name, schema);
  for (const route of [
    healthzRoute,
    readyzRoute,
    listEventTypesRoute,
    getEventTypeRoute,
    postEventsRoute,
    putSecurityGroupRoute,
    openApiRoute,
    docsRoute,
    docsAssetRoute,
  ])
    registry.registerPath(route);
}
