/**
 * The peer registry's pure core: the newest heartbeat of each peer and whether the peer is live.
 * A peer is live while its newest heartbeat is younger than the TTL. No I/O, clock passed in, so
 * the liveness rule is unit-tested without Kafka.
 */
import type { PeerHeartbeat } from '../domain/messages.js';

/** One peer as the registry knows it. */
export interface PeerView {
  readonly peer: string;
  readonly heartbeat: PeerHeartbeat;
  /** When the peer was last heard of, unix ms: its heartbeat's ts, never later than when we read it. */
  readonly lastSeen: number;
  /** lastSeen is younger than the TTL. */
  readonly live: boolean;
}

/** A liveness transition found by `sweep`. `up` also covers a peer heard of for the first time. */
export interface PeerTransition {
  readonly peer: string;
  readonly kind: 'up' | 'down';
}

export class PeerTable {
  private readonly peers = new Map<string, { heartbeat: PeerHeartbeat; lastSeen: number }>();
  /** Liveness as last reported by sweep(), so each transition is reported once. */
  private readonly reported = new Map<string, boolean>();

  constructor(private readonly ttlMs: number) {}

  /**
   * Records a heartbeat read at `receivedAt`. An older heartbeat than the one held is ignored (a
   * compacted topic can replay an older value before a newer one after a partition move).
   * A heartbeat stamped in the future (clock skew) counts as received now.
   */
  observe(heartbeat: PeerHeartbeat, receivedAt: number): void {
    const held = this.peers.get(heartbeat.peer);
    if (held !== undefined && held.heartbeat.ts > heartbeat.ts) return;
    this.peers.set(heartbeat.peer, { heartbeat, lastSeen: Math.min(heartbeat.ts, receivedAt) });
  }

  /** A tombstone (null value on the compacted topic): the peer is forgotten. */
  forget(peer: string): void {
    this.peers.delete(peer);
  }

  isLive(peer: string, now: number): boolean {
    const held = this.peers.get(peer);
    return held !== undefined && now - held.lastSeen < this.ttlMs;
  }

  get(peer: string, now: number): PeerView | undefined {
    const held = this.peers.get(peer);
    if (held === undefined) return undefined;
    return { peer, heartbeat: held.heartbeat, lastSeen: held.lastSeen, live: now - held.lastSeen < this.ttlMs };
  }

  /** Every known peer, sorted by id. */
  list(now: number): PeerView[] {
    return [...this.peers.keys()].sort().map((peer) => this.get(peer, now)!);
  }

  /** Live peers only, sorted by id. */
  live(now: number): PeerView[] {
    return this.list(now).filter((p) => p.live);
  }

  get size(): number {
    return this.peers.size;
  }

  /**
   * Transitions since the previous sweep, in peer-id order. A peer first heard of through an
   * already-stale heartbeat is reported `down` (it may have died while no allocator ran, and its
   * pins need the same repair). A forgotten live peer goes down.
   */
  sweep(now: number): PeerTransition[] {
    const out: PeerTransition[] = [];
    const ids = new Set([...this.peers.keys(), ...this.reported.keys()]);
    for (const peer of [...ids].sort()) {
      const live = this.isLive(peer, now);
      const before = this.reported.get(peer);
      if (before === live) continue;
      out.push({ peer, kind: live ? 'up' : 'down' });
      if (!this.peers.has(peer)) this.reported.delete(peer);
      else this.reported.set(peer, live);
    }
    return out;
  }
}
