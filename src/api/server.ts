/** Puts an app on a socket with @hono/node-server and closes it cleanly. */
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PinstateError } from '../errors.js';
import type { ApiApp } from './api-app.js';

export interface ListeningServer {
  /** `http://host:port` as bound (the real port when 0 was asked for). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what is left. */
  close(graceMs?: number): Promise<void>;
}

/** What a bind failure names: the listener and the config keys that set its address. */
export interface ListenerName {
  /** `api`, `cluster api`. */
  readonly label: string;
  /** Shown in the message: where the address comes from. */
  readonly configKeys: string;
  /** The error's field. */
  readonly field: string;
}

/**
 * Serves any hono app's `fetch` on host:port; the one listener of pinstate's HTTP APIs. Resolves
 * once bound (with the bound address), rejects naming the config keys when it cannot bind.
 */
export async function serveFetch(fetch: ApiApp['fetch'], host: string, port: number, name: ListenerName): Promise<{ server: ListeningServer; address: AddressInfo }> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch, hostname: host, port }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(new PinstateError('INTERNAL', `${name.label}: cannot listen on ${host}:${port} (${name.configKeys}): ${err.code ?? err.message}`, { field: name.field, cause: err })),
    );
  });
  const http = server as Server;
  const address = http.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    address,
    server: {
      url: `http://${shownHost}:${address.port}`,
      port: address.port,
      close(graceMs = 5_000) {
        closing ??= new Promise<void>((resolve) => {
          const timer = setTimeout(() => http.closeAllConnections(), graceMs);
          http.close(() => {
            clearTimeout(timer);
            resolve();
          });
          http.closeIdleConnections();
        });
        return closing;
      },
    },
  };
}

export async function listen(app: ApiApp, host: string, port: number): Promise<ListeningServer> {
  const { server } = await serveFetch(app.fetch, host, port, { label: 'api', configKeys: 'api.host/api.port, PINSTATE_API_HOST/PINSTATE_API_PORT', field: 'api.port' });
  return server;
}
