import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { GATEWAY_VERSION } from '../../../version.js';

/** The OpenAPI document's head: what the gateway is, and the two bearer schemes. */
export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Enreach webhook gateway',
    version: GATEWAY_VERSION,
    description:
      'Producer API (publish events, replace security group members, the catalogue) and admin API (/v1/admin: configuration, audit log), with the producer and admin bearer tokens of Gateway.ProducerTokens and Gateway.AdminTokens.',
  },
};

// Swagger UI's files, from the swagger-ui-dist package: the gateway serves them itself, no CDN.
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Enreach webhook gateway API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

// A file of its own rather than an inline script, so a Content-Security-Policy of 'self' allows it.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });\n`;

/**
 * GET /openapi.json: the OpenAPI 3.1 document `describe` makes, made once, at the first request. GET /docs: Swagger UI on
 * it, its files read from node_modules once and served from memory.
 */
export function docsRoutes(describe: () => unknown): Hono {
  const docs = new Hono();
  let document: unknown = null;
  docs.get('/openapi.json', (c) => {
    document ??= describe();
    return c.json(document);
  });
  docs.get('/docs', (c) => c.html(PAGE));
  docs.get('/docs/init.js', (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  const files = new Map<string, Buffer>();
  docs.get('/docs/:file', (c) => {
    const name = c.req.param('file');
    const type = ASSETS[name];
    if (type === undefined) return c.notFound();
    let bytes = files.get(name);
    if (bytes === undefined) {
      bytes = readFileSync(join(SWAGGER_UI, name));
      files.set(name, bytes);
    }
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=86400',
    });
  });
  return docs;
}
