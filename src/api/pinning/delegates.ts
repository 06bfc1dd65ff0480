/**
 * Where `PinStatus.delegates` comes from: the multiaddrs of the peers designated to hold a pin,
 * as their heartbeats announce them. The peer registry (agents' heartbeats on `pins.peers`) is
 * not in the store yet, so the default source knows no address and delegates stay []; wiring the
 * registry is one `DelegatesSource` passed to createPinningApp.
 */

export interface DelegatesSource {
  /** Multiaddrs (each ending in /p2p/<peer id>) of these peers; peers it does not know are skipped. */
  multiaddrsOf(peers: readonly string[]): Promise<readonly string[]>;
}

/** No registry: no delegates. */
export const noDelegates: DelegatesSource = { multiaddrsOf: () => Promise.resolve([]) };
