/** decide(): op ids derived from the decision, replication defaults, and the pin status view. */
import { describe, expect, it } from 'vitest';
import { decide, decisionOpId, effectiveReplication } from '../../../src/allocator/decision.js';
import { pinStatus } from '../../../src/api/pin-status.js';
import { validatePinSpec } from '../../../src/domain/pin.js';
import type { StoredPin } from '../../../src/store/reads.js';

const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const defaults = { defaultReplicationFactorMin: -1, defaultReplicationFactorMax: -1 };
const pin = (rfMin: number, rfMax: number, placement: StoredPin['placement'] = null): StoredPin => ({
  spec: validatePinSpec({ cid, replicationFactorMin: rfMin, replicationFactorMax: rfMax }), createdAt: 1, updatedAt: 1, lastOpId: 'op-1', placement,
});
const live = [{ peer: 'QmA', freeBytes: 10 }, { peer: 'QmB', freeBytes: 30 }, { peer: 'QmC', freeBytes: 20 }];

describe('decide', () => {
  it('derives a UUID-shaped op id from cid, peers and the stored state', () => {
    const d1 = decide(pin(2, 2), null, live, defaults)!;
    const d2 = decide(pin(2, 2), null, [...live].reverse(), defaults)!;
    expect(d1.peers).toEqual(['QmB', 'QmC']);
    expect(d1.opId).toBe(d2.opId);
    expect(d1.opId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(decisionOpId(cid, d1.peers, 'op-2|')).not.toBe(d1.opId);
    expect(decisionOpId(cid, ['QmA', 'QmB'], 'op-1|')).not.toBe(d1.opId);
  });

  it('returns null when the placement is right', () => {
    const placed = pin(2, 2, { desired: ['QmA', 'QmB'], actual: { QmA: 'pinned', QmB: 'pinning' }, errors: {}, updatedAt: 1, lastOpId: 'op-2' });
    expect(decide(placed, placed.placement, live, defaults)).toBeNull();
  });

  it('applies the defaults for rf 0', () => {
    expect(effectiveReplication(pin(0, 0).spec, defaults)).toEqual({ min: -1, max: -1 });
    expect(effectiveReplication(pin(0, 0).spec, { defaultReplicationFactorMin: 2, defaultReplicationFactorMax: 3 })).toEqual({ min: 2, max: 3 });
    expect(effectiveReplication(pin(2, 3).spec, defaults)).toEqual({ min: 2, max: 3 });
  });
});

describe('pinStatus', () => {
  it('gives each peer its state, remote for the others, and a summary', () => {
    const p = pin(2, 2, { desired: ['QmA', 'QmB'], actual: { QmA: 'pinned', QmB: 'pin_error', QmOld: 'pinned' }, errors: { QmB: 'context deadline exceeded' }, updatedAt: 1, lastOpId: 'op-2' });
    const hb = { agentVersion: '', ipfsVersion: '', addresses: [], freeBytes: 1, repoBytes: 1, pinned: 0, queued: 0, errors: 0, tags: {}, intervalMs: 1, ts: 1 };
    const views = ['QmA', 'QmB', 'QmC'].map((peer) => ({ peer, heartbeat: { ...hb, peer }, lastSeen: 0, live: true }));
    const s = pinStatus(p, views, defaults);
    expect(s.peer_map['QmA']?.status).toBe('pinned');
    expect(s.peer_map['QmB']).toMatchObject({ status: 'pin_error', error: 'context deadline exceeded' });
    expect(s.peer_map['QmC']?.status).toBe('remote');
    expect(s.peer_map['QmOld']).toMatchObject({ status: 'unpin_queued', live: null });
    expect(s.summary).toMatchObject({ pinned_live: 1, rf_min_met: false, errors: 1 });
  });
});
