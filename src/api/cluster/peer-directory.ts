/**
 * Where `GET /peers` and `GET /id` learn about the cluster's peers. The real source is the peer
 * registry (agents' heartbeats on the compacted `pins.peers` topic); until it is wired in, the
 * first implementation lists the peers seen in placements, which is all pinstate knows of them.
 */
import type { StoredPin } from '../../store/reads.js';

/** One cluster peer as pinstate knows it. Optional fields are unknown until a heartbeat says. */
export interface ClusterPeer {
  /** libp2p peer id (base58). */
  readonly id: string;
  readonly peername?: string;
  /** The peer's cluster multiaddrs (with /p2p/). */
  readonly addresses?: readonly string[];
  readonly version?: string;
  /** The peer's kubo id and swarm addresses. */
  readonly ipfsId?: string;
  readonly ipfsAddresses?: readonly string[];
  /** Why the peer's details are missing or stale (shown as the ID's ipfs.error). */
  readonly error?: string;
}

/** The narrow view the cluster API needs of a peer registry. */
export interface PeerDirectory {
  /** Every known peer, by id, sorted by id. */
  list(): Promise<readonly ClusterPeer[]>;
  get(id: string): Promise<ClusterPeer | undefined>;
}

export interface PlacementPeerDirectoryOptions {
  /** How long one scan's answer is reused (default 10 s): a full pinset scan per `ipfs-cluster-ctl id` would be wasteful. */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

export const PLACEMENT_ONLY_NOTE = 'known from placements only: no heartbeat from this peer yet';

/**
 * Peers seen in placements (desired and actual), from a scan of the pinset. The scan is shared by
 * concurrent callers and cached for `cacheMs`.
 */
export function placementPeerDirectory(list: () => AsyncIterable<StoredPin>, options: PlacementPeerDirectoryOptions = {}): PeerDirectory {
  const cacheMs = options.cacheMs ?? 10_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; peers: Promise<readonly ClusterPeer[]> } | undefined;

  const scan = async (): Promise<readonly ClusterPeer[]> => {
    const ids = new Set<string>();
    for await (const pin of list()) {
      for (const peer of pin.placement?.desired ?? []) ids.add(peer);
      for (const peer of Object.keys(pin.placement?.actual ?? {})) ids.add(peer);
    }
    return [...ids].sort().map((id) => ({ id, error: PLACEMENT_ONLY_NOTE }));
  };

  const peers = (): Promise<readonly ClusterPeer[]> => {
    if (cached === undefined || now() - cached.at >= cacheMs) {
      const entry = { at: now(), peers: scan() };
      // A failed scan is not cached: the next call tries again.
      entry.peers.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.peers;
  };

  return {
    list: peers,
    async get(id) {
      return (await peers()).find((p) => p.id === id);
    },
  };
}
