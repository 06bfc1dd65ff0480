/** The chaos workload: seeded, two phases so every outcome is fixed by the log (see docs/reliability.md). */
import { PLACEMENT_STATES } from '../../src/domain/placement-state.js';
import { ackOp, deleteOp, placementOp, upsertOp } from '../../src/store/ops.js';
import type { StoreOp } from '../../src/store/records.js';
import { cidV0, cidV1, peerId } from '../../test/support/cids.js';
import { rng } from '../../test/support/workload.js';
import type { Model } from './model.js';

export interface Phase1 {
  /** Intents in produce order; exact re-sends (same op) included as duplicates. */
  readonly ops: StoreOp[];
  /** Pins created already expired, for the TTL sweep of phase 2. */
  readonly expiring: string[];
}

const HOUR = 3_600_000;

/**
 * Phase 1: upserts, placements, deletes and duplicates over placed CIDs, plus pins that expired an
 * hour before `now` (never placed, so their expiry cannot race an ack).
 */
export function phase1(seed: number, size: number, now: number): Phase1 {
  const rand = rng(seed);
  const placed = Array.from({ length: Math.max(10, Math.floor(size / 8)) }, (_, i) => (i % 4 === 0 ? cidV0(`c${seed}-${i}`) : cidV1(`c${seed}-${i}`)));
  const peers = Array.from({ length: 8 }, (_, i) => peerId(`c${seed}-${i}`));
  const expiring = Array.from({ length: Math.max(5, Math.floor(size / 40)) }, (_, i) => cidV1(`ttl${seed}-${i}`));
  const ops: StoreOp[] = [];
  let ts = now - 2 * HOUR;
  for (const cid of expiring) ops.push(upsertOp(`c${seed}-ttl-${cid}`, { cid, name: 'expiring', expireAt: now - HOUR }, { ts: ts++, origin: 'chaos' }));
  for (let i = 0; ops.length < size; i++) {
    const cid = placed[Math.floor(rand() * placed.length)]!;
    const o = { ts: ts++, origin: 'chaos' };
    const r = rand();
    if (r < 0.4) ops.push(upsertOp(`c${seed}-${i}`, { cid, name: `n${i}`, replicationFactorMin: 1, replicationFactorMax: 3 }, o));
    else if (r < 0.75) ops.push(placementOp(`c${seed}-${i}`, cid, peers.filter(() => rand() < 0.35), o));
    else if (r < 0.85) ops.push(deleteOp(`c${seed}-${i}`, cid, o));
    // An exact re-send of an earlier op (a producer retry): must have no second effect.
    else if (ops.length > 0) ops.push(ops[Math.floor(rand() * ops.length)]!);
  }
  return { ops, expiring };
}

/** Phase 2: acks from the peers phase 1 placed (random states, some duplicated), after phase 1 is applied. */
export function phase2Acks(seed: number, model: Model, now: number): StoreOp[] {
  const rand = rng(seed * 31 + 7);
  const acks: StoreOp[] = [];
  let ts = now - HOUR / 2;
  let i = 0;
  for (const [cid, c] of model.cids) {
    for (const peer of c.actual.keys()) {
      const rounds = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < rounds; k++) {
        const state = PLACEMENT_STATES[Math.floor(rand() * PLACEMENT_STATES.length)]!;
        const op = ackOp(`c${seed}-ack-${i++}`, cid, peer, state, { ts: ts++, origin: peer, error: state.endsWith('error') ? 'chaos error' : null });
        acks.push(op);
        if (rand() < 0.1) acks.push(op);
      }
    }
  }
  return acks;
}
