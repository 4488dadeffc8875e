import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

describe('the OpenAPI document and /docs', () => {
  let gateway: TestGateway;
  let url: string;
  beforeAll(async () => {
    gateway = await startTestGateway();
    url = gateway.url as string;
  });
  afterAll(() => gateway.cleanup());

  it('serves a valid OpenAPI 3.1 document', async () => {
    const response = await fetch(`${url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string };
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('declares 413 and 415 for every route that reads a body', async () => {
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    const withBody = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.requestBody !== undefined)
        .map(([method, op]) => [`${method} ${path}`, Object.keys(op.responses)] as const),
    );
    expect(withBody.length).toBeGreaterThan(10);
    for (const [route, statuses] of withBody)
      expect([route, statuses]).toEqual([route, expect.arrayContaining(['413', '415'])]);
  });

  it('serves Swagger UI from the gateway itself, no CDN', async () => {
    const page = await fetch(`${url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)) {
      const file = await fetch(`${url}${asset}`);
      expect([asset, file.status]).toEqual([asset, 200]);
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(10);
    }
    expect((await fetch(`${url}/docs/package.json`)).status).toBe(404);
  });
});

describe('the OpenAPI document lists every route', () => {
  it('names each method and path the app serves, and no other', async () => {
    const { createApp, describeApp } = await import('../../src/http/app.js');
    const { silentLogger } = await import('../../src/log/logger.js');
    const stub = {} as never;
    const app = createApp({
      bus: stub,
      directory: stub,
      producerTokens: () => [],
      health: stub,
      logger: silentLogger(),
      admin: { adminTokens: () => [], configuration: stub, tokens: stub, gateway: stub },
    });
    const shape = (path: string) => path.replace(/:[^/]+|\{[^}]+\}/g, '{}');
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${shape(r.path)}`),
    );
    const document = describeApp(app);
    const declared = new Set(
      Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.keys(item as object).map((method) => `${method.toUpperCase()} ${shape(path)}`),
      ),
    );
    // /docs/init.js is one of the files /docs/{file} names.
    served.delete('GET /docs/init.js');
    expect([...served].sort()).toEqual([...declared].sort());
    expect(served.size).toBeGreaterThan(25);
  });
});
