/**
 * The suite's workload: the chaos suite's seeded two-phase workload (tools/chaos/workload.ts)
 * without its already-expired pins (no TTL sweep runs here). Phase 1 = upserts, placements,
 * deletes and exact re-sends; phase 2 = acks from the peers phase 1 placed, produced once
 * phase 1 is applied, so every outcome is fixed by the log and the oracle can predict it.
 */
import type { StoreOp } from '../../../src/store/records.js';
import type { Model } from '../../../tools/chaos/model.js';
import { phase1, phase2Acks } from '../../../tools/chaos/workload.js';

export function intentsPhase(seed: number, size: number, now: number): StoreOp[] {
  return phase1(seed, size, now).ops.filter((op) => !op.opId.includes('-ttl-'));
}

export function acksPhase(seed: number, model: Model, now: number): StoreOp[] {
  return phase2Acks(seed, model, now);
}
