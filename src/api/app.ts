/**
 * createApp(deps): the HTTP API as a hono app. Nothing here opens a connection or a port: the
 * store, producer, registry and readiness probe are injected, so tests call `app.request()`
 * directly and src/api/server.ts puts the same app on a socket.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { silentLogger, type Logger } from '../log.js';
import { apiFieldName } from './body.js';
import type { ApiDeps } from './deps.js';
import { errorResponse } from './errors.js';
import { apiMetrics } from './metrics.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerReadRoutes } from './routes/reads.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerWriteRoutes } from './routes/writes.js';

export type ApiEnv = { Variables: { requestId: string; log: Logger } };
export type ApiApp = Hono<ApiEnv>;

/** The label of requests no route matched (keeps the route label's cardinality bounded). */
export const UNMATCHED_ROUTE = 'unmatched';

const QUIET_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(deps: ApiDeps): ApiApp {
  const app = new Hono<ApiEnv>();
  const metrics = apiMetrics(deps.registry);
  const logger = (deps.logger ?? silentLogger()).child({ component: 'api' });

  // An incoming x-request-id (printable, ≤ 128 chars) is kept; otherwise a UUID is made. Either way it is echoed back.
  app.use(requestId({ limitLength: 128 }));
  app.use(async (c, next) => {
    const started = performance.now();
    const log = logger.child({ req_id: c.get('requestId') });
    c.set('log', log);
    await next();
    const path = routePath(c, -1);
    const route = path === '*' || path === '/*' ? UNMATCHED_ROUTE : path;
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    metrics.requests.inc({ route, method: c.req.method, status: String(status) });
    metrics.seconds.observe({ route, method: c.req.method }, seconds);
    // Probes and scrapes arrive every few seconds: keep them out of the info log unless they fail.
    const level = status >= 500 ? 'error' : QUIET_ROUTES.has(route) ? 'debug' : 'info';
    log[level]({ method: c.req.method, path: c.req.path, route, status, ms: +(seconds * 1000).toFixed(3) }, 'request');
  });

  registerOpsRoutes(app, deps);
  registerReadRoutes(app, deps);
  registerStatusRoutes(app, deps);
  registerWriteRoutes(app, deps);

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', field: null, message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((err, c) => {
    const { status, body } = errorResponse(err, apiFieldName);
    const log = c.get('log') ?? logger;
    if (status >= 500) log.error({ err: err.message, code: body.error.code }, 'request failed');
    return c.json(body, status);
  });
  return app;
}
