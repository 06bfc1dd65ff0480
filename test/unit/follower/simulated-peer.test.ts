import { describe, expect, it } from 'vitest';
import { ackOpId, simulatedAck } from '../../../consumers/follower/simulated-peer.js';
import type { PlacementChange } from '../../../src/domain/messages.js';
import { PLACEMENT_STATES } from '../../../src/domain/placement-state.js';
import { cidV1, peerId } from '../../support/cids.js';

const peer = peerId('sim');
const base: PlacementChange = { cid: cidV1('sim'), peer, desired: true, state: 'pin_queued', opId: 'op-1', ts: 1 };

describe('simulated peer', () => {
  it('acks pinned for a desired placement and unpinned for an undesired one', () => {
    expect(simulatedAck(base, peer)).toEqual({ state: 'pinned', opId: `ack:op-1:${peer}` });
    expect(simulatedAck({ ...base, desired: false, state: 'unpin_queued' }, peer)).toEqual({ state: 'unpinned', opId: `ack:op-1:${peer}` });
  });

  it('answers every state but the target one (the writer echoes each applied ack as a change; answering it would loop)', () => {
    for (const state of PLACEMENT_STATES) {
      expect(simulatedAck({ ...base, desired: true, state }, peer)?.state ?? null).toBe(state === 'pinned' ? null : 'pinned');
      expect(simulatedAck({ ...base, desired: false, state }, peer)?.state ?? null).toBe(state === 'unpinned' ? null : 'unpinned');
    }
  });

  it('derives the op id deterministically, so a redelivered change gives the same ack op id', () => {
    expect(simulatedAck(base, peer)).toEqual(simulatedAck({ ...base, ts: 999 }, peer));
    expect(ackOpId('op-1', peer)).not.toBe(ackOpId('op-2', peer));
    expect(ackOpId('op-1', peer)).not.toBe(ackOpId('op-1', peerId('other')));
  });

  it('hashes ids that would pass the 128-character op id limit', () => {
    const long = ackOpId('o'.repeat(100), peer);
    expect(long).toMatch(/^ack:sha256:[0-9a-f]{64}$/);
    expect(long).toBe(ackOpId('o'.repeat(100), peer));
    expect(ackOpId('o'.repeat(100), peer)).not.toBe(ackOpId('o'.repeat(101), peer));
  });
});
