/**
 * Stored pins, peer placements and stats → their JSON form (the schemas in schemas.ts), shared by
 * the HTTP API and `pinstate … --json`. Times as RFC 3339 text (null = never). Pure.
 */
import { modeOfDepth } from '../domain/pin.js';
import type { PeerPin, Stats, StoredPin } from '../store/reads.js';
import type { PeerPinJson, PinJson, StatsJson } from './schemas.js';

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
    tags: [...s.tags],
    metadata: s.metadata,
    expire_at: isoOrNull(s.expireAt),
    shard_size: s.shardSize,
    reference: s.reference,
    pin_update: s.pinUpdate,
    origins: [...s.origins],
    timestamp: isoOrNull(s.timestamp),
    created_at: iso(pin.createdAt),
    updated_at: iso(pin.updatedAt),
    last_op_id: pin.lastOpId,
    placement: p === null ? null : { desired: [...p.desired], actual: p.actual, errors: p.errors, updated_at: iso(p.updatedAt) },
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
