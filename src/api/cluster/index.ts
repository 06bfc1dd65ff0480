/** The IPFS Cluster REST API (v1.1.x shapes) over pinstate; see docs/api.md#ipfs-cluster-rest-api. */
export { createClusterApp } from './app.js';
export type { ClusterApiDeps, ClusterApp, ClusterIntentPublisher, ClusterPinReader } from './app.js';
export { listenCluster } from './server.js';
export type { ClusterListeningServer } from './server.js';
export { placementPeerDirectory } from './peer-directory.js';
export type { ClusterPeer, PeerDirectory } from './peer-directory.js';
export { loadOrCreateIdentity, generateIdentity, peerIdOfEd25519 } from './identity.js';
export type { PeerIdentity } from './identity.js';
export { startClusterApi } from './start.js';
export type { RunningClusterApi } from './start.js';
