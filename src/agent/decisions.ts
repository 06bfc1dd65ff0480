/**
 * What the agent does about one placement: from a change on the placement stream, or from a
 * reconcile that compares the peer's rows in pins_by_peer with kubo's pins. Pure.
 */
import type { PlacementChange } from '../domain/messages.js';
import type { PlacementState } from '../domain/placement-state.js';
import type { KuboHolding } from './ledger.js';

/** Op ids of the acks an agent sends start with this; the changes they cause come back on the stream. */
export const AGENT_OP_PREFIX = 'agent:';

export type Want = 'pin' | 'unpin';

/**
 * The work a placement change asks for, or null when there is none:
 * - a change caused by one of the agent's own acks (op id `agent:…`) only reports what the agent
 *   did: nothing to do (answering it would loop);
 * - desired and already `pinned`, or `pin_error` (the agent's retries and reconcile own errors): nothing;
 * - desired otherwise (`pin_queued`, or a state left over from an earlier placement): pin;
 * - not desired and already `unpinned`: nothing; otherwise unpin.
 */
export function wantOfChange(change: PlacementChange): Want | null {
  if (change.opId.startsWith(AGENT_OP_PREFIX)) return null;
  if (change.desired) return change.state === 'pinned' || change.state === 'pin_error' ? null : 'pin';
  return change.state === 'unpinned' ? null : 'unpin';
}

/** What reconcile does about one CID. */
export type ReconcileAction =
  | { readonly kind: 'pin' }
  | { readonly kind: 'unpin'; readonly ack: boolean }
  | { readonly kind: 'ack'; readonly state: 'pinned' | 'unpinned' }
  | { readonly kind: 'none' };

/** A pins_by_peer row as reconcile needs it. */
export interface PeerRow {
  readonly desired: boolean;
  readonly state: PlacementState;
}

const NONE: ReconcileAction = { kind: 'none' };

/**
 * Store row (or none) × what kubo holds → action. The store says what should be; kubo says what
 * is; the agent's own pins are the only ones it removes.
 * - desired, kubo has it (any pin): the placement is met → ack `pinned` if the store says otherwise;
 * - desired, kubo lacks it: pin (first placement, a retry of pin_error, a pin lost to a crash or
 *   removed by hand: IPFS Cluster's "unexpectedly unpinned" is repinned the same way);
 * - not desired (an unpin the agent has not finished): unpin if the pin is the agent's, else just
 *   ack `unpinned` (an operator's pin stays);
 * - no row, but an agent-named pin in kubo: the placement went while the agent was away: unpin
 *   (no ack: there is no placement left to report on).
 */
export function reconcileAction(row: PeerRow | undefined, held: KuboHolding): ReconcileAction {
  if (row === undefined) return held.managed ? { kind: 'unpin', ack: false } : NONE;
  if (row.desired) {
    if (held.pinned) return row.state === 'pinned' ? NONE : { kind: 'ack', state: 'pinned' };
    return { kind: 'pin' };
  }
  if (held.managed) return { kind: 'unpin', ack: true };
  return row.state === 'unpinned' ? NONE : { kind: 'ack', state: 'unpinned' };
}

