import { describe, expect, it } from 'vitest';
import { AGENT_OP_PREFIX, reconcileAction, wantOfChange } from '../../../src/agent/decisions.js';
import { holdingOf, holdingsByCid, isManagedName, managedPinName, NOT_HELD } from '../../../src/agent/ledger.js';
import type { PlacementChange } from '../../../src/domain/messages.js';
import type { PlacementState } from '../../../src/domain/placement-state.js';

const change = (desired: boolean, state: PlacementState, opId = 'op-1'): PlacementChange => ({ cid: 'bafy', peer: 'P', desired, state, opId, ts: 1 });

describe('wantOfChange', () => {
  it('pins desired placements that are not yet pinned', () => {
    expect(wantOfChange(change(true, 'pin_queued'))).toBe('pin');
    expect(wantOfChange(change(true, 'unpinned'))).toBe('pin');
    expect(wantOfChange(change(true, 'unpin_queued'))).toBe('pin');
    expect(wantOfChange(change(true, 'pinning'))).toBe('pin');
  });
  it('does nothing for desired pinned or pin_error (retries and reconcile own errors)', () => {
    expect(wantOfChange(change(true, 'pinned'))).toBeNull();
    expect(wantOfChange(change(true, 'pin_error'))).toBeNull();
  });
  it('unpins removed placements until unpinned', () => {
    expect(wantOfChange(change(false, 'unpin_queued'))).toBe('unpin');
    expect(wantOfChange(change(false, 'pinned'))).toBe('unpin');
    expect(wantOfChange(change(false, 'unpinned'))).toBeNull();
  });
  it("ignores changes caused by the agent's own acks (no loop)", () => {
    expect(wantOfChange(change(true, 'pinning', `${AGENT_OP_PREFIX}0190-abc`))).toBeNull();
    expect(wantOfChange(change(false, 'unpin_queued', `${AGENT_OP_PREFIX}0190-abc`))).toBeNull();
  });
});

describe('ledger', () => {
  it('names managed pins <prefix>:<name> and recognises only those', () => {
    expect(managedPinName('pinstate', 'photos')).toBe('pinstate:photos');
    expect(managedPinName('pinstate', 'x'.repeat(500))).toHaveLength(200);
    expect(isManagedName('pinstate', 'pinstate:photos')).toBe(true);
    expect(isManagedName('pinstate', 'pinstate')).toBe(true);
    expect(isManagedName('pinstate', 'pinstatex')).toBe(false);
    expect(isManagedName('pinstate', '')).toBe(false);
    expect(isManagedName('pinstate', 'my pinstate:backup')).toBe(false);
  });
  it('folds kubo pins into holdings; indirect pins do not count; operator pins are flagged', () => {
    expect(holdingOf('pinstate', [])).toEqual(NOT_HELD);
    expect(holdingOf('pinstate', [{ cid: 'a', type: 'indirect', name: '' }])).toEqual(NOT_HELD);
    expect(holdingOf('pinstate', [{ cid: 'a', type: 'recursive', name: 'pinstate:x' }])).toEqual({ pinned: true, managed: true, operator: false, recursive: true });
    expect(holdingOf('pinstate', [{ cid: 'a', type: 'direct', name: 'pinstate:x' }])).toEqual({ pinned: true, managed: true, operator: false, recursive: false });
    expect(holdingOf('pinstate', [{ cid: 'a', type: 'recursive', name: '' }])).toEqual({ pinned: true, managed: false, operator: true, recursive: false });
    const m = holdingsByCid('pinstate', [
      { cid: 'a', type: 'recursive', name: 'pinstate:a' },
      { cid: 'b', type: 'recursive', name: 'mine' },
      { cid: 'c', type: 'indirect', name: '' },
    ]);
    expect([...m.keys()].sort()).toEqual(['a', 'b']);
    expect(m.get('b')?.managed).toBe(false);
  });
});

describe('reconcileAction', () => {
  const ours = holdingOf('pinstate', [{ cid: 'a', type: 'recursive', name: 'pinstate:a' }]);
  const operators = holdingOf('pinstate', [{ cid: 'a', type: 'recursive', name: '' }]);
  it('desired and held: ack pinned only when the store says otherwise', () => {
    expect(reconcileAction({ desired: true, state: 'pinned' }, ours)).toEqual({ kind: 'none' });
    expect(reconcileAction({ desired: true, state: 'pinning' }, ours)).toEqual({ kind: 'ack', state: 'pinned' });
    expect(reconcileAction({ desired: true, state: 'pin_error' }, operators)).toEqual({ kind: 'ack', state: 'pinned' });
  });
  it('desired and not held: pin (first time, after a crash, after a manual unpin)', () => {
    for (const state of ['pin_queued', 'pinning', 'pinned', 'pin_error'] as const) expect(reconcileAction({ desired: true, state }, NOT_HELD)).toEqual({ kind: 'pin' });
  });
  it("not desired: unpin the agent's pin; never the operator's", () => {
    expect(reconcileAction({ desired: false, state: 'unpin_queued' }, ours)).toEqual({ kind: 'unpin', ack: true });
    expect(reconcileAction({ desired: false, state: 'unpin_queued' }, operators)).toEqual({ kind: 'ack', state: 'unpinned' });
    expect(reconcileAction({ desired: false, state: 'unpin_queued' }, NOT_HELD)).toEqual({ kind: 'ack', state: 'unpinned' });
  });
  it('no row: unpin a managed leftover without an ack; leave everything else', () => {
    expect(reconcileAction(undefined, ours)).toEqual({ kind: 'unpin', ack: false });
    expect(reconcileAction(undefined, operators)).toEqual({ kind: 'none' });
    expect(reconcileAction(undefined, NOT_HELD)).toEqual({ kind: 'none' });
  });
});

