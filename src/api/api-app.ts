/**
 * The type of the API's hono app and of what each request carries. Its own module so the routes
 * (src/api/routes/*) and the server can name it without importing createApp, which imports them.
 */
import type { Hono } from 'hono';
import type { Logger } from '../log.js';

/** Per-request variables: the request id (echoed as x-request-id) and a logger bound to it. */
export type ApiEnv = { Variables: { requestId: string; log: Logger } };
export type ApiApp = Hono<ApiEnv>;
