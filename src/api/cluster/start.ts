/**
 * Starts the cluster API over a running store and producer: identity from its file, peers from
 * the PeerDirectory, the app on its own listener.
 *
 * The peer registry (agents' heartbeats on `pins.peers`) replaces the placement-based directory
 * by passing it as `peers`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterApiConfig } from '../../config/types.js';
import type { Logger } from '../../log.js';
import { packageRoot } from '../../paths.js';
import { createClusterApp, type ClusterIntentPublisher, type ClusterPinReader } from './app.js';
import { loadOrCreateIdentity } from './identity.js';
import { CLUSTER_API_VERSION } from './json.js';
import { placementPeerDirectory, type PeerDirectory } from './peer-directory.js';
import { listenCluster, type ClusterListeningServer } from './server.js';

export interface StartClusterApiOptions {
  readonly config: ClusterApiConfig;
  readonly store: ClusterPinReader;
  readonly producer: ClusterIntentPublisher;
  readonly logger: Logger;
  /** Default: the peers seen in placements. */
  readonly peers?: PeerDirectory;
}

export interface RunningClusterApi {
  readonly server: ClusterListeningServer;
  readonly peerId: string;
}

/** "1.1.0+pinstate.<package version>": the IPFS Cluster API version served, then pinstate's own. */
export function clusterVersion(): string {
  let own = '0.0.0';
  try {
    own = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? own;
  } catch {
    // a bundled build without package.json still answers
  }
  return `${CLUSTER_API_VERSION}+pinstate.${own}`;
}

export async function startClusterApi(options: StartClusterApiOptions): Promise<RunningClusterApi> {
  const { config, store, producer, logger } = options;
  const identity = loadOrCreateIdentity(config.identityFile);
  const peers = options.peers ?? placementPeerDirectory(() => store.list());
  const app = createClusterApp({
    store,
    producer,
    self: { id: identity.id, peername: config.peername, version: clusterVersion() },
    peers,
    credentials: config.basicAuthCredentials,
    logger,
  });
  const server = await listenCluster(app, config.host, config.port);
  logger.info({ component: 'cluster-api', multiaddr: server.multiaddr, peer_id: identity.id, auth: config.basicAuthCredentials !== null }, 'IPFS Cluster REST API listening');
  return { server, peerId: identity.id };
}
