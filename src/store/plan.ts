/**
 * The pure core of every write: given one CID's rows before a batch and the ops for that CID in
 * log order, compute the rows after, the audit events, the placement changes, the derived-row
 * writes and the stats delta. No I/O; unit-tested without a database.
 *
 * Write timestamps are deterministic: an op applies at max(op.ts in µs, CID clock + 1), so a
 * later op on a CID always wins, and re-planning the same ops from the same rows (a replay after
 * a crash) yields byte-identical writes.
 */
import type { PinEvent, PlacementChange } from '../domain/messages.js';
import type { PlacementState } from '../domain/placement-state.js';
import { LIMITS, modeOfDepth } from '../domain/pin.js';
import {
  eventKindOf,
  type CidState,
  type OpResult,
  type PinRecord,
  type PlacementRecord,
  type StatsCounts,
  type StoreOp,
} from './records.js';

/** Final state of one pins_by_peer row, written at the timestamp of the last op that touched it. */
export interface PeerWrite {
  readonly peer: string;
  readonly ts: number;
  readonly row: { readonly state: PlacementState; readonly desired: boolean; readonly error: string | null; readonly updatedAt: number } | null;
}

/** A pin_ttl_queue entry touched in the batch: present or removed after it. */
export interface TtlWrite {
  readonly expireAt: number;
  readonly ts: number;
  readonly present: boolean;
}

/** An op that took effect (or was rejected by the rules) and gets an op_dedup row and an event row. */
export interface RecordedOp {
  readonly result: OpResult;
  /** CQL write timestamp (µs) of the op's rows. */
  readonly ts: number;
}

export interface CidPlan {
  readonly initial: CidState;
  readonly final: CidState;
  readonly results: readonly OpResult[];
  readonly recorded: readonly RecordedOp[];
  /** Timestamp of the last op that changed the pin row, or null when it did not change. */
  readonly pinTs: number | null;
  /** The op that last changed the pin row (its id and time go into the row or the delete marker). */
  readonly pinOp: StoreOp | null;
  readonly placementTs: number | null;
  readonly peerWrites: readonly PeerWrite[];
  readonly ttlWrites: readonly TtlWrite[];
  readonly statsDelta: StatsCounts;
}

interface Working {
  pin: PinRecord | null;
  desired: string[];
  actual: Record<string, PlacementState>;
  errors: Record<string, string>;
  placementUpdatedAt: number;
  placementLastOp: string;
  clock: number;
}

function countPlacements(actual: Readonly<Record<string, PlacementState>>, sign: number, into: Record<string, number>): void {
  for (const state of Object.values(actual)) into[state] = (into[state] ?? 0) + sign;
}

/** Stats delta between two core states of one CID. */
export function statsDelta(before: CidState, after: CidState): StatsCounts {
  const placements: Record<string, number> = {};
  countPlacements(before.placement?.actual ?? {}, -1, placements);
  countPlacements(after.placement?.actual ?? {}, +1, placements);
  for (const [k, v] of Object.entries(placements)) if (v === 0) delete placements[k];
  return { pins: (after.pin ? 1 : 0) - (before.pin ? 1 : 0), placements };
}

function describeSpec(pin: PinRecord): string {
  const s = pin.spec;
  const parts = [`upsert type=${s.pinType}`, `mode=${modeOfDepth(s.maxDepth)}`, `rf=${s.replicationFactorMin}/${s.replicationFactorMax}`];
  if (s.name) parts.push(`name=${JSON.stringify(s.name.slice(0, 64))}`);
  if (s.expireAt !== null) parts.push(`expire_at=${new Date(s.expireAt).toISOString()}`);
  return parts.join(' ');
}

/** Plans the ops of one CID (in log order, duplicates already removed). Pure. */
export function planCid(initial: CidState, ops: readonly StoreOp[]): CidPlan {
  const w: Working = {
    pin: initial.pin,
    desired: [...(initial.placement?.desired ?? [])],
    actual: { ...(initial.placement?.actual ?? {}) },
    errors: { ...(initial.placement?.errors ?? {}) },
    placementUpdatedAt: initial.placement?.updatedAt ?? 0,
    placementLastOp: initial.placement?.lastOpId ?? '',
    clock: initial.clock,
  };
  const results: OpResult[] = [];
  const recorded: RecordedOp[] = [];
  // peer → (write ts, op time) of the last op that touched it.
  const peerTouched = new Map<string, { ts: number; opTs: number }>();
  const ttlTouched = new Map<number, number>();
  let pinTs: number | null = null;
  let pinOp: StoreOp | null = null;
  let placementTs: number | null = null;

  for (const op of ops) {
    const ts = Math.max(op.ts * 1000, w.clock + 1);
    const changes: PlacementChange[] = [];
    let detail = '';
    let reject: { reason: string; message: string } | null = null;
    let touchedPlacement = false;
    let touchedPin = false;

    const change = (peer: string, desired: boolean, state: PlacementState): void => {
      changes.push({ cid: initial.cid, peer, desired, state, opId: op.opId, ts: op.ts });
      peerTouched.set(peer, { ts, opTs: op.ts });
      touchedPlacement = true;
    };

    /** A peer leaves the desired set: it unpins, unless it never started (then it simply goes). */
    const unplace = (peer: string): void => {
      const cur = w.actual[peer];
      delete w.errors[peer];
      if (cur === undefined || cur === 'unpinned' || cur === 'pin_queued') {
        delete w.actual[peer];
        change(peer, false, 'unpinned');
      } else {
        w.actual[peer] = 'unpin_queued';
        change(peer, false, 'unpin_queued');
      }
    };

    const body = op.body;
    switch (body.kind) {
      case 'UpsertPin': {
        const old = w.pin;
        if (old && old.spec.pinType !== body.spec.pinType) {
          reject = { reason: 'PIN_TYPE_CONFLICT', message: `pin exists with type ${old.spec.pinType}; cannot re-pin as ${body.spec.pinType}` };
          break;
        }
        if (old && old.spec.maxDepth === -1 && body.spec.maxDepth !== -1) {
          reject = { reason: 'PIN_TYPE_CONFLICT', message: 'pin exists as recursive; cannot re-pin as non-recursive' };
          break;
        }
        const oldExpire = old?.spec.expireAt ?? null;
        if (oldExpire !== null && oldExpire !== body.spec.expireAt) ttlTouched.set(oldExpire, ts);
        if (body.spec.expireAt !== null) ttlTouched.set(body.spec.expireAt, ts);
        w.pin = { spec: body.spec, createdAt: old?.createdAt ?? op.ts, updatedAt: op.ts, lastOpId: op.opId };
        touchedPin = true;
        detail = (old ? '' : 'new ') + describeSpec(w.pin);
        break;
      }
      case 'DeletePin': {
        const old = w.pin;
        const guard = body.expiredAt ?? null;
        if (!old) {
          detail = guard === null ? 'delete: not pinned (no-op)' : 'expire: not pinned (no-op)';
          break;
        }
        if (guard !== null && old.spec.expireAt !== guard) {
          detail = `expire skipped: pin now expires at ${old.spec.expireAt === null ? 'never' : new Date(old.spec.expireAt).toISOString()}`;
          break;
        }
        if (old.spec.expireAt !== null) ttlTouched.set(old.spec.expireAt, ts);
        w.pin = null;
        touchedPin = true;
        for (const peer of w.desired) unplace(peer);
        w.desired = [];
        detail = guard === null ? 'delete' : `expire at ${new Date(guard).toISOString()}`;
        break;
      }
      case 'SetDesiredPlacement': {
        if (!w.pin) {
          reject = { reason: 'PIN_NOT_FOUND', message: 'cannot place a pin that is not in the pinset' };
          break;
        }
        const next = new Set(body.peers);
        const prev = new Set(w.desired);
        const added = body.peers.filter((p) => !prev.has(p));
        const removed = w.desired.filter((p) => !next.has(p));
        for (const peer of added) {
          const cur = w.actual[peer];
          const state: PlacementState = cur !== undefined && (cur === 'pinning' || cur === 'pinned') ? cur : 'pin_queued';
          w.actual[peer] = state;
          if (state === 'pin_queued') delete w.errors[peer];
          change(peer, true, state);
        }
        for (const peer of removed) unplace(peer);
        w.desired = [...body.peers];
        detail = added.length + removed.length === 0 ? 'placement unchanged' : `placement ${[...added.map((p) => `+${p}`), ...removed.map((p) => `-${p}`)].join(' ')}`;
        break;
      }
      case 'AckPlacement': {
        const known = w.actual[body.peer] !== undefined;
        const desired = w.desired.includes(body.peer);
        if (!w.pin && !known) {
          reject = { reason: 'PIN_NOT_FOUND', message: `ack from ${body.peer} for a pin that is not in the pinset and not placed on that peer` };
          break;
        }
        if (!known && Object.keys(w.actual).length >= LIMITS.peersPerPin) {
          reject = { reason: 'OVERSIZED_VALUE', message: `placement already tracks ${LIMITS.peersPerPin} peers` };
          break;
        }
        if (body.state === 'unpinned' && !desired) {
          delete w.actual[body.peer];
          delete w.errors[body.peer];
        } else {
          w.actual[body.peer] = body.state;
          // Peers' error texts can be long; the first LIMITS.errorBytes characters say what went wrong.
          if (body.error !== null && body.state.endsWith('error')) w.errors[body.peer] = body.error.slice(0, LIMITS.errorBytes);
          else delete w.errors[body.peer];
        }
        change(body.peer, desired, body.state);
        detail = `ack ${body.peer} ${body.state}${body.error ? `: ${body.error.slice(0, 120)}` : ''}`;
        break;
      }
    }

    const event: PinEvent = {
      opId: op.opId,
      ts: op.ts,
      cid: initial.cid,
      kind: eventKindOf(op),
      outcome: reject ? 'rejected' : 'applied',
      reason: reject?.reason ?? null,
      detail: reject ? reject.message : detail,
      origin: op.origin,
      source: op.source,
    };
    const result: OpResult = {
      op,
      outcome: reject ? 'rejected' : 'applied',
      reason: reject?.reason ?? null,
      message: reject?.message ?? null,
      event,
      placementChanges: reject ? [] : changes,
    };
    results.push(result);
    recorded.push({ result, ts });
    // Only ops that change a core row advance the clock: the clock is read back from those rows
    // (write_ts), so a rejected or no-op op must not move it, or plans would depend on batch cuts.
    if (!reject && touchedPin) {
      pinTs = ts;
      pinOp = op;
      w.clock = ts;
    }
    if (!reject && touchedPlacement) {
      placementTs = ts;
      w.placementUpdatedAt = op.ts;
      w.placementLastOp = op.opId;
      w.clock = ts;
    }
  }

  const placement: PlacementRecord | null =
    w.desired.length === 0 && Object.keys(w.actual).length === 0
      ? null
      : { desired: w.desired, actual: w.actual, errors: w.errors, updatedAt: w.placementUpdatedAt, lastOpId: w.placementLastOp };
  const final: CidState = { ...initial, pin: w.pin, placement, clock: w.clock };

  const peerWrites: PeerWrite[] = [...peerTouched].map(([peer, touch]) => {
    const state = w.actual[peer];
    return {
      peer,
      ts: touch.ts,
      row: state === undefined ? null : { state, desired: w.desired.includes(peer), error: w.errors[peer] ?? null, updatedAt: touch.opTs },
    };
  });
  const finalExpire = w.pin?.spec.expireAt ?? null;
  const ttlWrites: TtlWrite[] = [...ttlTouched].map(([expireAt, ts]) => ({ expireAt, ts, present: expireAt === finalExpire }));

  return {
    initial,
    final,
    results,
    recorded,
    pinTs,
    pinOp,
    placementTs,
    peerWrites,
    ttlWrites,
    statsDelta: statsDelta(initial, final),
  };
}
