/** The cluster API's own listener (IPFS Cluster's default 127.0.0.1:9094), closed cleanly on stop. */
import { serveFetch, type ListeningServer } from '../server.js';
import type { ClusterApp } from './app.js';

export interface ClusterListeningServer extends ListeningServer {
  /** `/ip4/<host>/tcp/<port>`: what to pass to `ipfs-cluster-ctl --host`. */
  readonly multiaddr: string;
}

export async function listenCluster(app: ClusterApp, host: string, port: number): Promise<ClusterListeningServer> {
  const { server, address } = await serveFetch(app.fetch, host, port, {
    label: 'cluster api',
    configKeys: 'cluster_api.http_listen_multiaddress',
    field: 'cluster_api.http_listen_multiaddress',
  });
  return { ...server, multiaddr: `/${address.family === 'IPv6' ? 'ip6' : 'ip4'}/${address.address}/tcp/${address.port}` };
}
