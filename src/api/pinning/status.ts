/**
 * A pin request's Pinning Services API status, read from the pin's real placements. Pure.
 *
 * | placements of the pin                                    | status  |
 * |----------------------------------------------------------|---------|
 * | pin not applied yet, or no desired peer                  | queued  |
 * | every desired peer still pin_queued (or not reported)    | queued  |
 * | at least `need` desired peers pinned                     | pinned  |
 * | every desired peer pin_error                             | failed  |
 * | anything else (some peer pinning, pinned or errored)     | pinning |
 *
 * `need` is rf_min when it is positive; rf_min 0 (cluster default) or -1 (everywhere) means every
 * desired peer.
 */
import type { PlacementState } from '../../domain/placement-state.js';
import type { StoredPin } from '../../store/reads.js';
import type { PsaStatus } from './schemas.js';

export interface PsaStatusView {
  readonly status: PsaStatus;
  /** `status_details` plus `error:<peer>` for each errored placement. */
  readonly info: Readonly<Record<string, string>>;
  /** The peers designated to hold the pin (desired and not errored), for `delegates`. */
  readonly holders: readonly string[];
}

const ACTIVE: ReadonlySet<PlacementState> = new Set<PlacementState>(['pinning', 'pinned', 'pin_error', 'unexpectedly_unpinned']);

/** Peers whose `pinned` makes the pin count as pinned. */
export function neededPeers(rfMin: number, desired: number): number {
  return rfMin > 0 ? rfMin : desired;
}

export function psaStatusOf(pin: StoredPin | null): PsaStatusView {
  if (pin === null) return { status: 'queued', info: { status_details: 'accepted; waiting for the writer to apply the pin' }, holders: [] };
  const placement = pin.placement;
  const desired = placement?.desired ?? [];
  if (placement === null || desired.length === 0) {
    return { status: 'queued', info: { status_details: 'waiting for placement: no peer allocated yet' }, holders: [] };
  }
  const need = neededPeers(pin.spec.replicationFactorMin, desired.length);
  let pinned = 0;
  let errored = 0;
  let active = 0;
  const info: Record<string, string> = {};
  const holders: string[] = [];
  for (const peer of desired) {
    const state = placement.actual[peer];
    if (state === 'pinned') pinned += 1;
    if (state === 'pin_error') {
      errored += 1;
      info[`error:${peer}`] = placement.errors[peer] ?? 'pin_error';
    } else {
      holders.push(peer);
    }
    if (state !== undefined && ACTIVE.has(state)) active += 1;
  }
  const summary = `pinned on ${pinned} of ${desired.length} desired peers (${need} needed)${errored > 0 ? `; ${errored} errored` : ''}`;
  let status: PsaStatus;
  if (pinned >= need) status = 'pinned';
  else if (errored === desired.length) status = 'failed';
  else if (active > 0) status = 'pinning';
  else status = 'queued';
  return { status, info: { status_details: summary, ...info }, holders };
}
