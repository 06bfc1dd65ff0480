/**
 * Placement states follow IPFS Cluster's tracker statuses (api/types.go): a placement is one
 * (cid, peer) pair, and its state is what that peer last reported (or what pinstate queued for it).
 */
import { ValidationError } from '../errors.js';

/** Every status string IPFS Cluster's tracker knows, with its bit value. */
export const TRACKER_STATUS_BITS = {
  undefined: 0,
  cluster_error: 2,
  pin_error: 4,
  unpin_error: 8,
  pinned: 16,
  pinning: 32,
  unpinning: 64,
  unpinned: 128,
  remote: 256,
  pin_queued: 512,
  unpin_queued: 1024,
  sharded: 2048,
  unexpectedly_unpinned: 4096,
} as const;

export type TrackerStatus = keyof typeof TRACKER_STATUS_BITS;

/** States a placement can be in inside pinstate (a peer's own view of one pin). */
export const PLACEMENT_STATES = [
  'pin_queued',
  'pinning',
  'pinned',
  'pin_error',
  'unpin_queued',
  'unpinning',
  'unpinned',
  'unpin_error',
  'unexpectedly_unpinned',
] as const;

export type PlacementState = (typeof PLACEMENT_STATES)[number];

const PLACEMENT_STATE_SET: ReadonlySet<string> = new Set(PLACEMENT_STATES);

export function isPlacementState(value: unknown): value is PlacementState {
  return typeof value === 'string' && PLACEMENT_STATE_SET.has(value);
}

export function parsePlacementState(value: unknown, field = 'state'): PlacementState {
  if (!isPlacementState(value)) {
    throw new ValidationError('INVALID_STATE', field, `unknown placement state ${JSON.stringify(value)}; one of ${PLACEMENT_STATES.join(', ')}`);
  }
  return value;
}

/** States meaning "this peer holds, or is on its way to hold, the content". */
export function isPinSide(state: PlacementState): boolean {
  return state === 'pin_queued' || state === 'pinning' || state === 'pinned' || state === 'pin_error' || state === 'unexpectedly_unpinned';
}
