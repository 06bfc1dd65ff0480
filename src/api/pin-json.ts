/**
 * The JSON form of pins, peer placements and stats, shared by the HTTP API and `pinstate … --json`.
 * snake_case keys as in IPFS Cluster's api.Pin; times as RFC 3339 text (null = never). Pure.
 */
import { modeOfDepth } from '../domain/pin.js';
import type { PeerPin, Stats, StoredPin } from '../store/reads.js';

export interface PlacementJson {
  readonly desired: readonly string[];
  readonly actual: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly updated_at: string;
}

export interface PinJson {
  readonly cid: string;
  readonly name: string;
  readonly owner: string;
  readonly type: string;
  readonly mode: string;
  readonly max_depth: number;
  readonly replication_factor_min: number;
  readonly replication_factor_max: number;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  readonly expire_at: string | null;
  readonly shard_size: number;
  readonly reference: string | null;
  readonly pin_update: string | null;
  readonly origins: readonly string[];
  readonly timestamp: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly last_op_id: string;
  readonly placement: PlacementJson | null;
}

export interface PeerPinJson {
  readonly cid: string;
  readonly peer: string;
  readonly state: string;
  readonly desired: boolean;
  readonly error: string | null;
  readonly updated_at: string;
}

export interface StatsJson {
  readonly pins: number;
  readonly placements: Readonly<Record<string, number>>;
  readonly total_placements: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function pinJson(pin: StoredPin): PinJson {
  const s = pin.spec;
  const p = pin.placement;
  return {
    cid: s.cid,
    name: s.name,
    owner: s.owner,
    type: s.pinType,
    mode: modeOfDepth(s.maxDepth),
    max_depth: s.maxDepth,
    replication_factor_min: s.replicationFactorMin,
    replication_factor_max: s.replicationFactorMax,
    tags: s.tags,
    metadata: s.metadata,
    expire_at: isoOrNull(s.expireAt),
    shard_size: s.shardSize,
    reference: s.reference,
    pin_update: s.pinUpdate,
    origins: s.origins,
    timestamp: isoOrNull(s.timestamp),
    created_at: iso(pin.createdAt),
    updated_at: iso(pin.updatedAt),
    last_op_id: pin.lastOpId,
    placement: p === null ? null : { desired: p.desired, actual: p.actual, errors: p.errors, updated_at: iso(p.updatedAt) },
  };
}

export function peerPinJson(pin: PeerPin): PeerPinJson {
  return { cid: pin.cid, peer: pin.peer, state: pin.state, desired: pin.desired, error: pin.error, updated_at: iso(pin.updatedAt) };
}

export function statsJson(stats: Stats): StatsJson {
  return { pins: stats.pins, placements: stats.placements, total_placements: stats.totalPlacements };
}

/** True when any peer of the pin's placement is in `state` (the `?state=` filter without a peer). */
export function hasPlacementState(pin: StoredPin, state: string): boolean {
  return pin.placement !== null && Object.values(pin.placement.actual).includes(state as never);
}
