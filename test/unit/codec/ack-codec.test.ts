import { describe, expect, it } from 'vitest';
import { decodeAck, encodeAck } from '../../../src/codec/ack-codec.js';
import { releasedRegistry } from '../../../src/codec/released-schemas.js';
import type { PlacementAck } from '../../../src/domain/messages.js';
import { WIRE_LIMITS } from '../../../src/codec/wire-checks.js';
import { PLACEMENT_STATES } from '../../../src/domain/placement-state.js';
import { expectPinstateError } from './expect-error.js';
import { CID_V1, PEER_A, TS, ackFull, ackMinimal } from './samples.js';

const family = releasedRegistry.family('PlacementAck');
const raw = (over: Record<string, unknown>): Buffer => family.encode({ op_id: 'a', ts: TS, cid: CID_V1, peer: PEER_A, state: 'pinned', error: null, ...over });

describe('ack codec', () => {
  it.each([
    ['every field set', ackFull],
    ['minimal', ackMinimal],
  ] as const)('round-trips an ack with %s', (_name, ack) => {
    expect(decodeAck(encodeAck(ack))).toEqual(ack);
  });

  it.each(PLACEMENT_STATES)('round-trips state %s', (state) => {
    expect(decodeAck(encodeAck({ ...ackFull, state })).state).toBe(state);
  });

  it('validates cid, peer, state, op_id, ts and error length', () => {
    expectPinstateError(() => decodeAck(raw({ cid: 'nope' })), 'INVALID_CID', 'cid');
    expectPinstateError(() => decodeAck(raw({ peer: '' })), 'INVALID_PEER', 'peer');
    expectPinstateError(() => decodeAck(raw({ peer: 'has space' })), 'INVALID_PEER', 'peer');
    expectPinstateError(() => decodeAck(raw({ state: 'UNKNOWN' })), 'INVALID_STATE', 'state');
    expectPinstateError(() => decodeAck(raw({ op_id: '' })), 'MISSING_FIELD', 'op_id');
    expectPinstateError(() => decodeAck(raw({ ts: -5 })), 'INVALID_FIELD', 'ts');
    expect(decodeAck(raw({ error: 'e'.repeat(WIRE_LIMITS.ackErrorBytes) })).error).toHaveLength(WIRE_LIMITS.ackErrorBytes);
    expectPinstateError(() => decodeAck(raw({ error: 'e'.repeat(WIRE_LIMITS.ackErrorBytes + 1) })), 'OVERSIZED_VALUE', 'error');
  });

  it('refuses to encode a state pinstate does not know', () => {
    expectPinstateError(() => encodeAck({ ...ackFull, state: 'UNKNOWN' } as unknown as PlacementAck), 'INVALID_STATE', 'state');
    expectPinstateError(() => encodeAck({ ...ackFull, state: 'remote' } as unknown as PlacementAck), 'INVALID_STATE', 'state');
  });
});
