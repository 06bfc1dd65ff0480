/**
 * The messages on pinstate's topics, as the rest of the code sees them after decoding. The Avro
 * schemas in schemas/ are their wire form (src/codec/ maps between the two). Times are unix ms.
 */
import type { PinSpec } from './pin.js';
import type { PlacementState } from './placement-state.js';

export interface UpsertPinBody {
  readonly kind: 'UpsertPin';
  readonly spec: PinSpec;
}
export interface DeletePinBody {
  readonly kind: 'DeletePin';
  readonly cid: string;
  /** Set by the TTL sweeper: delete only if the pin still expires at this time (unix ms). */
  readonly expiredAt?: number | null;
}
export interface SetDesiredPlacementBody {
  readonly kind: 'SetDesiredPlacement';
  readonly cid: string;
  /** Sorted, distinct peer ids. */
  readonly peers: readonly string[];
}
export type IntentBody = UpsertPinBody | DeletePinBody | SetDesiredPlacementBody;

/** `pins.intents` value: one operation a cluster node (or the importer, or the TTL sweeper) asks for. */
export interface PinIntent {
  /** Unique per intent (UUIDv7 or ULID), set by the producer; replays keep it. */
  readonly opId: string;
  /** When the producer created the intent, unix ms. */
  readonly ts: number;
  /** Who produced it (peer id, "importer", "ttl-sweeper", "api"...). */
  readonly origin: string;
  readonly body: IntentBody;
}

/** `pins.acks` value: a peer reports the state of one placement. */
export interface PlacementAck {
  readonly opId: string;
  readonly ts: number;
  readonly cid: string;
  readonly peer: string;
  readonly state: PlacementState;
  /** Error text for *_error states, else null. */
  readonly error: string | null;
}

/** `pins.placements` value: what a peer should now hold for a CID. Keyed by peer id. */
export interface PlacementChange {
  readonly cid: string;
  readonly peer: string;
  /** True while the peer is in the CID's desired set; false means "unpin". */
  readonly desired: boolean;
  /** The placement's state after the change. */
  readonly state: PlacementState;
  /** The op that caused the change. */
  readonly opId: string;
  readonly ts: number;
}

/**
 * `pins.peers` value: an agent's periodic report of the IPFS node it drives. Keyed by peer id on a
 * compacted topic, so the newest heartbeat of each peer is what a registry rebuilds from.
 */
export interface PeerHeartbeat {
  readonly peer: string;
  readonly agentVersion: string;
  /** The IPFS daemon's version, e.g. "0.43.1". */
  readonly ipfsVersion: string;
  /** Swarm multiaddrs, each ending in /p2p/<peer>. */
  readonly addresses: readonly string[];
  /** StorageMax - RepoSize (never negative). */
  readonly freeBytes: number;
  readonly repoBytes: number;
  /** Placements the agent holds as pinned. */
  readonly pinned: number;
  /** Placements queued or in progress in the agent. */
  readonly queued: number;
  /** Placements in pin_error / unpin_error. */
  readonly errors: number;
  readonly tags: Readonly<Record<string, string>>;
  /** The agent's heartbeat interval, ms. */
  readonly intervalMs: number;
  readonly ts: number;
}

export const EVENT_KINDS = ['UpsertPin', 'DeletePin', 'SetDesiredPlacement', 'AckPlacement', 'Expire'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_OUTCOMES = ['applied', 'rejected'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

/** Where a message came from in Kafka (absent for direct store calls). */
export interface SourcePosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** `pins.events` value and pin_events row: the audit record of one applied or rejected op. */
export interface PinEvent {
  readonly opId: string;
  readonly ts: number;
  readonly cid: string;
  readonly kind: EventKind;
  readonly outcome: EventOutcome;
  /** Error code for rejected ops, else null. */
  readonly reason: string | null;
  /** Short human summary ("upsert name=foo rf=2/3", "placement +p1 -p2"...). */
  readonly detail: string;
  readonly origin: string;
  readonly source: SourcePosition | null;
}
