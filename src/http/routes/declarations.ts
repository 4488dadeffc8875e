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
  // The 80 event types' JSON Schemas are built when the document is first asked for, not at start.
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

/** The components only the document needs, registered once, before it is first generated. */
export function registerEventSchemas(app: OpenAPIHono): void {
  for (const [name, schema] of eventSchemaComponents())
    app.openAPIRegistry.registerComponent('schemas', name, schema);
}
