import { describe, expect, it } from 'vitest';
import { parseCid } from '../../src/domain/cid.js';
import { planCid } from '../../src/store/plan.js';
import type { CidState, StoreOp } from '../../src/store/records.js';
import { Model } from '../../tools/chaos/model.js';
import { mixedOps } from '../support/workload.js';

/** Runs ops through the real planner per CID (dedup by op id first), as the store would. */
function viaPlanner(ops: StoreOp[]): Map<string, CidState> {
  const states = new Map<string, CidState>();
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.opId)) continue;
    seen.add(op.opId);
    const cid = op.body.kind === 'UpsertPin' ? op.body.spec.cid : op.body.cid;
    const p = parseCid(cid);
    const before = states.get(cid) ?? { cid, cidBytes: p.bytes, mhPrefix: p.mhPrefix, pin: null, placement: null, clock: 0 };
    states.set(cid, planCid(before, [op]).final);
  }
  return states;
}

describe('chaos oracle', () => {
  it.each([1, 2, 3, 4, 5])('agrees with the store planner on random mixed workloads (seed %i)', (seed) => {
    const ops = mixedOps({ seed, ops: 3000, cids: 50, peers: 6 });
    const withDupes = [...ops, ...ops.slice(0, 300)];
    const model = new Model();
    for (const op of withDupes) model.apply(op);
    const planned = viaPlanner(withDupes);
    for (const [cid, m] of model.cids) {
      const s = planned.get(cid)!;
      expect(s.pin === null, cid).toBe(m.pin === null);
      if (m.pin) expect(s.pin?.spec.name).toBe(m.pin.name);
      expect([...(s.placement?.desired ?? [])].sort()).toEqual([...m.desired].sort());
      expect(s.placement?.actual ?? {}).toEqual(Object.fromEntries(m.actual));
    }
  });
});
