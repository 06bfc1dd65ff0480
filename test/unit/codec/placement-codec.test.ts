import { describe, expect, it } from 'vitest';
import { decodePlacementChange, encodePlacementChange } from '../../../src/codec/placement-codec.js';
import { releasedRegistry } from '../../../src/codec/released-schemas.js';
import type { PlacementChange } from '../../../src/domain/messages.js';
import { expectPinstateError } from './expect-error.js';
import { CID_V0, PEER_B, TS, changeFull, changeUnpin } from './samples.js';

const family = releasedRegistry.family('PlacementChange');
const raw = (over: Record<string, unknown>): Buffer => family.encode({ cid: CID_V0, peer: PEER_B, desired: true, state: 'pinned', op_id: 'o', ts: TS, ...over });

describe('placement change codec', () => {
  it.each([
    ['a pin', changeFull],
    ['an unpin with minimal fields', changeUnpin],
  ] as const)('round-trips %s', (_name, change) => {
    expect(decodePlacementChange(encodePlacementChange(change))).toEqual(change);
  });

  it('validates cid, peer, state, op_id and ts', () => {
    expectPinstateError(() => decodePlacementChange(raw({ cid: 'x' })), 'INVALID_CID', 'cid');
    expectPinstateError(() => decodePlacementChange(raw({ peer: 'p/q' })), 'INVALID_PEER', 'peer');
    expectPinstateError(() => decodePlacementChange(raw({ state: 'UNKNOWN' })), 'INVALID_STATE', 'state');
    expectPinstateError(() => decodePlacementChange(raw({ op_id: '' })), 'MISSING_FIELD', 'op_id');
    expectPinstateError(() => decodePlacementChange(raw({ ts: -1 })), 'INVALID_FIELD', 'ts');
  });

  it('refuses to encode an unknown state', () => {
    expectPinstateError(() => encodePlacementChange({ ...changeFull, state: 'bogus' } as unknown as PlacementChange), 'INVALID_STATE', 'state');
  });
});
