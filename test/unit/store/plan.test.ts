import { describe, expect, it } from 'vitest';
import { parseCid } from '../../../src/domain/cid.js';
import { planCid, statsDelta } from '../../../src/store/plan.js';
import { ackOp, deleteOp, placementOp, upsertOp } from '../../../src/store/ops.js';
import type { CidState, StoreOp } from '../../../src/store/records.js';
import { cidV1, peerId } from '../../support/cids.js';

const CID = cidV1('plan');
const [P1, P2, P3] = [peerId(1), peerId(2), peerId(3)];

function empty(cid = CID): CidState {
  const p = parseCid(cid);
  return { cid: p.text, cidBytes: p.bytes, mhPrefix: p.mhPrefix, pin: null, placement: null, clock: 0 };
}

let n = 0;
const id = (): string => `op-${++n}`;
const at = (ts: number) => ({ ts, origin: 'test' });

function run(initial: CidState, ops: StoreOp[]) {
  return planCid(initial, ops);
}

describe('planCid', () => {
  it('a new pin counts once and writes its row at the op time in µs', () => {
    const plan = run(empty(), [upsertOp(id(), { cid: CID, name: 'a' }, at(1000))]);
    expect(plan.final.pin?.spec.name).toBe('a');
    expect(plan.pinTs).toBe(1_000_000);
    expect(plan.statsDelta).toEqual({ pins: 1, placements: {} });
    expect(plan.results[0]).toMatchObject({ outcome: 'applied' });
    expect(plan.results[0]?.event).toMatchObject({ kind: 'UpsertPin', outcome: 'applied', cid: CID });
  });

  it('timestamps are monotonic per CID even when producer clocks go backwards', () => {
    const initial = { ...empty(), clock: 5_000_000 };
    const plan = run(initial, [upsertOp(id(), { cid: CID }, at(1000)), upsertOp(id(), { cid: CID, name: 'b' }, at(900))]);
    expect(plan.recorded.map((r) => r.ts)).toEqual([5_000_001, 5_000_002]);
    expect(plan.final.clock).toBe(5_000_002);
    expect(plan.final.pin?.spec.name).toBe('b');
  });

  it('one batch plans each op at its own time, in order, to the state the ops describe', () => {
    const ops = [upsertOp('x1', { cid: CID }, at(10)), placementOp('x2', CID, [P1, P2], at(11)), ackOp('x3', CID, P1, 'pinned', at(12))];
    const plan = run(empty(), ops);
    expect(plan.results.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    expect(plan.recorded.map((r) => r.ts)).toEqual([10_000, 11_000, 12_000]);
    expect(plan.final.placement?.desired).toEqual([P1, P2].sort());
    expect(plan.final.placement?.actual).toEqual({ [P1]: 'pinned', [P2]: 'pin_queued' });
    expect(plan.statsDelta).toEqual({ pins: 1, placements: { pinned: 1, pin_queued: 1 } });
  });

  it('placement diff: added peers queued, removed peers unpin, untouched peers keep state', () => {
    const s1 = run(empty(), [upsertOp(id(), { cid: CID }, at(1)), placementOp(id(), CID, [P1, P2], at(2)), ackOp(id(), CID, P1, 'pinned', at(3)), ackOp(id(), CID, P2, 'pinning', at(4))]).final;
    expect(s1.placement?.actual).toEqual({ [P1]: 'pinned', [P2]: 'pinning' });
    const plan = run(s1, [placementOp(id(), CID, [P2, P3], at(5))]);
    expect(plan.final.placement?.actual).toEqual({ [P1]: 'unpin_queued', [P2]: 'pinning', [P3]: 'pin_queued' });
    expect(plan.results[0]?.placementChanges.map((c) => [c.peer, c.desired, c.state])).toEqual([
      [P3, true, 'pin_queued'],
      [P1, false, 'unpin_queued'],
    ]);
    expect(plan.peerWrites.map((w) => w.peer).sort()).toEqual([P1, P3].sort());
    expect(plan.statsDelta).toEqual({ pins: 0, placements: { pinned: -1, unpin_queued: 1, pin_queued: 1 } });
  });

  it('delete removes the pin, queues unpins, and removes the TTL entry', () => {
    const created = run(empty(), [upsertOp(id(), { cid: CID, expireAt: 9_000_000 }, at(1)), placementOp(id(), CID, [P1], at(2)), ackOp(id(), CID, P1, 'pinning', at(2))]).final;
    const plan = run(created, [deleteOp(id(), CID, at(3))]);
    expect(plan.final.pin).toBeNull();
    expect(plan.final.placement?.actual).toEqual({ [P1]: 'unpin_queued' });
    expect(plan.ttlWrites).toEqual([{ expireAt: 9_000_000, ts: 3000, present: false }]);
    expect(plan.statsDelta.pins).toBe(-1);
  });

  it('a queued placement that is removed before the peer starts simply disappears', () => {
    const created = run(empty(), [upsertOp(id(), { cid: CID }, at(1)), placementOp(id(), CID, [P1], at(2))]).final;
    const plan = run(created, [deleteOp(id(), CID, at(3))]);
    expect(plan.final.placement).toBeNull();
    expect(plan.peerWrites).toEqual([{ peer: P1, ts: 3000, row: null }]);
  });

  it('expiry deletes only if the pin still expires at the queued time', () => {
    const created = run(empty(), [upsertOp(id(), { cid: CID, expireAt: 5000 }, at(1))]).final;
    const stale = run(created, [deleteOp(id(), CID, { ...at(6), expiredAt: 4000 })]);
    expect(stale.final.pin).not.toBeNull();
    expect(stale.results[0]?.event?.kind).toBe('Expire');
    const due = run(created, [deleteOp(id(), CID, { ...at(6), expiredAt: 5000 })]);
    expect(due.final.pin).toBeNull();
  });

  it('rejects placement of a missing pin, acks for unknown placements, type changes', () => {
    expect(run(empty(), [placementOp(id(), CID, [P1], at(1))]).results[0]).toMatchObject({ outcome: 'rejected', reason: 'PIN_NOT_FOUND' });
    expect(run(empty(), [ackOp(id(), CID, P1, 'pinned', at(1))]).results[0]).toMatchObject({ outcome: 'rejected', reason: 'PIN_NOT_FOUND' });
    const created = run(empty(), [upsertOp(id(), { cid: CID }, at(1))]).final;
    expect(run(created, [upsertOp(id(), { cid: CID, pinType: 'meta-pin' }, at(2))]).results[0]).toMatchObject({ reason: 'PIN_TYPE_CONFLICT' });
  });

  it('an ack of unpinned from a peer that is no longer desired removes it', () => {
    const s = run(empty(), [upsertOp(id(), { cid: CID }, at(1)), placementOp(id(), CID, [P1], at(2)), ackOp(id(), CID, P1, 'pinned', at(3)), placementOp(id(), CID, [], at(4))]).final;
    expect(s.placement?.actual).toEqual({ [P1]: 'unpin_queued' });
    const plan = run(s, [ackOp(id(), CID, P1, 'unpinned', at(5))]);
    expect(plan.final.placement).toBeNull();
    expect(plan.statsDelta).toEqual({ pins: 0, placements: { unpin_queued: -1 } });
  });

  it('statsDelta of identical states is zero', () => {
    const s = run(empty(), [upsertOp(id(), { cid: CID }, at(1))]).final;
    expect(statsDelta(s, s)).toEqual({ pins: 0, placements: {} });
  });
});
