/**
 * A pin's status across peers, like IPFS Cluster's `status` (GlobalPinInfo): each peer's state
 * for the pin and a summary. Pure: the stored pin and the registry's view in, JSON-ready out.
 *
 * A desired peer shows its reported state, or `pin_queued` until it reports; a peer no longer
 * desired shows its unpin progress (`unpin_queued` until it reports); every other known peer is
 * `remote` (the pin lives elsewhere), as in IPFS Cluster.
 */
import type { z } from 'zod';
import type { PeerPinStatusSchema, PinStatusSchema } from './schemas.js';
import { isPinSide } from '../domain/placement-state.js';
import type { PeerView } from '../peers/peer-table.js';
import type { StoredPin } from '../store/reads.js';
import { effectiveReplication, type ReplicationDefaults } from '../allocator/decision.js';

/** The JSON shapes are schemas of the HTTP API (src/api/schemas.ts), which serves this as GET /pins/{cid}/status. */
export type PinStatus = z.infer<typeof PinStatusSchema>;
export type PeerPinStatus = z.infer<typeof PeerPinStatusSchema>;
export type StatusPeerState = PeerPinStatus['status'];

export function pinStatus(pin: StoredPin, peers: readonly PeerView[], defaults: ReplicationDefaults): PinStatus {
  const placement = pin.placement;
  const desired = new Set(placement?.desired ?? []);
  const actual = placement?.actual ?? {};
  const errors = placement?.errors ?? {};
  const byId = new Map(peers.map((v) => [v.peer, v]));
  const ids = [...new Set([...desired, ...Object.keys(actual), ...byId.keys()])].sort();

  const peerMap: Record<string, PeerPinStatus> = {};
  const byStatus: Record<string, number> = {};
  let pinnedLive = 0;
  let errorCount = 0;
  for (const peer of ids) {
    const reported = actual[peer];
    const isDesired = desired.has(peer);
    let status: StatusPeerState;
    if (isDesired) status = reported ?? 'pin_queued';
    else if (reported !== undefined) status = isPinSide(reported) ? 'unpin_queued' : reported;
    else status = 'remote';
    const view = byId.get(peer);
    const live = view === undefined ? null : view.live;
    const error = status === 'pin_error' || status === 'unpin_error' ? (errors[peer] ?? null) : null;
    if (error !== null || status === 'pin_error' || status === 'unpin_error') errorCount += 1;
    if (isDesired && status === 'pinned' && live === true) pinnedLive += 1;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    peerMap[peer] = { status, error, desired: isDesired, live, last_seen: view === undefined ? null : new Date(view.lastSeen).toISOString() };
  }
  const rf = effectiveReplication(pin.spec, defaults);
  const liveCount = peers.filter((v) => v.live).length;
  const rfMinMet = rf.min === -1 ? liveCount > 0 && pinnedLive >= liveCount : pinnedLive >= rf.min;
  return {
    cid: pin.spec.cid,
    name: pin.spec.name,
    replication_factor_min: pin.spec.replicationFactorMin,
    replication_factor_max: pin.spec.replicationFactorMax,
    allocations: [...desired].sort(),
    peer_map: peerMap,
    summary: { by_status: byStatus, pinned_live: pinnedLive, rf_min_met: rfMinMet, errors: errorCount },
  };
}
