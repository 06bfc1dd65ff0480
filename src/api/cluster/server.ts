/** The cluster API's own listener (IPFS Cluster's default 127.0.0.1:9094), closed cleanly on stop. */
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PinstateError } from '../../errors.js';
import type { ListeningServer } from '../server.js';
import type { ClusterApp } from './app.js';

export interface ClusterListeningServer extends ListeningServer {
  /** `/ip4/<host>/tcp/<port>`: what to pass to `ipfs-cluster-ctl --host`. */
  readonly multiaddr: string;
}

export async function listenCluster(app: ClusterApp, host: string, port: number): Promise<ClusterListeningServer> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) =>
      reject(new PinstateError('INTERNAL', `cluster api: cannot listen on ${host}:${port} (cluster_api.http_listen_multiaddress): ${err.code ?? err.message}`, { field: 'cluster_api.http_listen_multiaddress', cause: err })),
    );
  });
  const http = server as Server;
  const address = http.address() as AddressInfo;
  const v6 = address.family === 'IPv6';
  let closing: Promise<void> | undefined;
  return {
    url: `http://${v6 ? `[${address.address}]` : address.address}:${address.port}`,
    port: address.port,
    multiaddr: `/${v6 ? 'ip6' : 'ip4'}/${address.address}/tcp/${address.port}`,
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
  };
}
