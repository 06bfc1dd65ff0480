/** Operational routes: liveness, readiness, Prometheus metrics and the OpenAPI document. */
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../deps.js';
import { openApiDocument } from '../openapi.js';

export function registerOpsRoutes(app: ApiApp, deps: ApiDeps): void {
  // Liveness: the process answers. Never touches Kafka or the database.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    const report = await deps.readiness.check();
    return c.json(report, report.ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    await deps.beforeScrape?.();
    const text = await deps.registry.metrics();
    return c.body(text, 200, { 'Content-Type': deps.registry.contentType });
  });

  app.get('/openapi.json', (c) => c.json(openApiDocument()));
}
