import { describe, expect, it } from 'vitest';
import { parseApiPin } from '../../../src/cluster/index.js';
import { ValidationError } from '../../../src/errors.js';
import { applyOverrides, hasOverrides, overridesKey, parseOverrides } from '../../../src/migrate/overrides.js';

const PEER_A = '12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv';
const PEER_B = '12D3KooWGHTKzeT4KaLGLrbKKyT8zKrBPXAUBRzCAN6ZMDMo4M6M';
const pin = (rmin: number, rmax: number, allocations: string[] = [PEER_A]) =>
  parseApiPin({ cid: 'QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6', type: 'pin', max_depth: -1, replication_factor_min: rmin, replication_factor_max: rmax, allocations });

describe('import overrides (--rmin/--rmax/--allocs, as ipfs-cluster-service state import)', () => {
  it('parses the flags: factors > 0 apply, 0 or less leave the pin alone, allocs sorted and distinct', () => {
    expect(parseOverrides({ rmin: '2', rmax: '4', allocs: ` ${PEER_B},${PEER_A},${PEER_B}` })).toEqual({ rmin: 2, rmax: 4, allocs: [PEER_A, PEER_B] });
    expect(parseOverrides({ rmin: '0', rmax: '-1', allocs: '' })).toEqual({});
    expect(hasOverrides(parseOverrides({}))).toBe(false);
  });

  it('names the flag at fault', () => {
    expect(() => parseOverrides({ rmin: 'two' })).toThrow(expect.objectContaining({ field: '--rmin', code: 'INVALID_FIELD' }) as Error);
    expect(() => parseOverrides({ allocs: 'peer-1' })).toThrow(ValidationError);
    try {
      parseOverrides({ allocs: `${PEER_A},not a peer` });
    } catch (err) {
      expect((err as ValidationError).field).toBe('--allocs[1]');
    }
  });

  it('replaces replication factors and allocations', () => {
    const out = applyOverrides(pin(1, 2), { rmin: 2, rmax: 5, allocs: [PEER_B] });
    expect(out.spec.replicationFactorMin).toBe(2);
    expect(out.spec.replicationFactorMax).toBe(5);
    expect(out.allocations).toEqual([PEER_B]);
    expect(applyOverrides(pin(1, 2), { rmax: 3 }).spec.replicationFactorMin).toBe(1);
  });

  it('is the identity without overrides', () => {
    const p = pin(1, 2);
    expect(applyOverrides(p, {})).toBe(p);
  });

  it('rejects a pin the override makes invalid, naming the JSON key and the line', () => {
    expect(() => applyOverrides(pin(1, 2), { rmin: 3 }, 'line 7')).toThrow(/replication_factor_min: after --rmin\/--rmax overrides \(3\/2\).*\(line 7\)/);
    expect(() => applyOverrides(pin(-1, -1), { rmax: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_REPLICATION' }) as Error);
  });

  it('has a stable key for checkpoints', () => {
    expect(overridesKey({ rmin: 2 })).toBe(overridesKey(parseOverrides({ rmin: '2' })));
    expect(overridesKey({ rmin: 2 })).not.toBe(overridesKey({ rmax: 2 }));
  });
});
