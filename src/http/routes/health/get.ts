import { Hono } from 'hono';

export interface HealthProbe {
  /** The store is open and every migration is applied. */
  isReady(): boolean;
  isShuttingDown(): boolean;
}

/** GET /healthz: the process is up. GET /readyz: the store is open and migrated, and we are not stopping. */
export function getHealth(probe: HealthProbe): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ Status: 'ok' }));
  app.get('/readyz', (c) => {
    if (probe.isShuttingDown()) return c.json({ Status: 'shutting-down' }, 503);
    return probe.isReady() ? c.json({ Status: 'ready' }) : c.json({ Status: 'not-ready' }, 503);
  });
  return app;
}
