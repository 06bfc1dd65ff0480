/** The peer registry (docs/allocation.md): agents' heartbeats → who is live, with how much space. */
export { PeerTable } from './peer-table.js';
export type { PeerTransition, PeerView } from './peer-table.js';
export { createPeerRegistry, directoryPeer } from './registry.js';
export type { DirectoryPeer, PeerRegistry, PeerRegistryOptions, TransitionListener } from './registry.js';
export { peerRegistryMetrics } from './metrics.js';
export type { PeerRegistryMetrics } from './metrics.js';
