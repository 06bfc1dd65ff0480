/**
 * One pin → the allocator's decision (or none). Pure: the stored pin and placement, the live
 * peers and the default replication factors in; a SetDesiredPlacement to publish out, with an op
 * id derived from the decision itself, so every evaluation of the same stored state that reaches
 * the same choice (a redelivered event, a replayed one, the periodic scan, a second allocator)
 * publishes the same op id and the writer's op_dedup applies it once.
 */
import { createHash } from 'node:crypto';
import type { PinRecord, PlacementRecord } from '../store/records.js';
import { choosePeers, type Candidate, type ChooseCause, type ChooseResult } from './choose-peers.js';

export interface ReplicationDefaults {
  readonly defaultReplicationFactorMin: number;
  readonly defaultReplicationFactorMax: number;
}

export interface Decision {
  readonly cid: string;
  readonly peers: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly cause: Exclude<ChooseCause, 'unchanged'>;
  readonly short: boolean;
  readonly opId: string;
}

/** Replication factors with IPFS Cluster's defaults applied (0 = the configured default). */
export function effectiveReplication(spec: PinRecord['spec'], defaults: ReplicationDefaults): { min: number; max: number } {
  let min = spec.replicationFactorMin;
  let max = spec.replicationFactorMax;
  if (min === -1 || max === -1) return { min: -1, max: -1 };
  if (min === 0 && max === 0) return { min: defaults.defaultReplicationFactorMin, max: defaults.defaultReplicationFactorMax };
  if (min === 0) min = defaults.defaultReplicationFactorMin === -1 ? 1 : Math.min(defaults.defaultReplicationFactorMin, max);
  if (max === 0) max = defaults.defaultReplicationFactorMax === -1 ? Math.max(min, 64) : Math.max(defaults.defaultReplicationFactorMax, min);
  return { min: Math.max(1, min), max: Math.max(1, max, min) };
}

/**
 * A UUID-shaped (RFC 9562 version 8, custom) digest of the decision: CID, chosen set, and the
 * stored state it was taken from (the pin's and the placement's last op ids).
 */
export function decisionOpId(cid: string, peers: readonly string[], basis: string): string {
  const h = createHash('sha256').update(`pinstate-allocator/v1\u0000${cid}\u0000${peers.join(',')}\u0000${basis}`).digest();
  h[6] = 0x80 | (h[6]! & 0x0f);
  h[8] = 0x80 | (h[8]! & 0x3f);
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function pinnedPeers(placement: PlacementRecord | null): Set<string> {
  const out = new Set<string>();
  for (const [peer, state] of Object.entries(placement?.actual ?? {})) if (state === 'pinned') out.add(peer);
  return out;
}

/** The decision for one pin, or null when its placement is already right. */
export function decide(pin: PinRecord, placement: PlacementRecord | null, live: readonly Candidate[], defaults: ReplicationDefaults): Decision | null {
  const rf = effectiveReplication(pin.spec, defaults);
  const result: ChooseResult = choosePeers({
    cid: pin.spec.cid,
    rfMin: rf.min,
    rfMax: rf.max,
    current: placement?.desired ?? [],
    live,
    pinned: pinnedPeers(placement),
  });
  if (result.cause === 'unchanged') return null;
  const basis = `${pin.lastOpId}|${placement?.lastOpId ?? ''}`;
  return {
    cid: pin.spec.cid,
    peers: result.peers,
    added: result.added,
    removed: result.removed,
    cause: result.cause,
    short: result.short,
    opId: decisionOpId(pin.spec.cid, result.peers, basis),
  };
}
