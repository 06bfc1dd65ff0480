import { describe, expect, it } from 'vitest';
import { HEARTBEAT_LIMITS, decodePeerHeartbeat, encodePeerHeartbeat } from '../../../src/codec/heartbeat-codec.js';
import { releasedRegistry } from '../../../src/codec/released-schemas.js';
import type { PeerHeartbeat } from '../../../src/domain/messages.js';
import { expectPinstateError } from './expect-error.js';
import { PEER_B, TS } from './samples.js';

const full: PeerHeartbeat = {
  peer: PEER_B,
  agentVersion: 'pinstate-agent/0.1.0',
  ipfsVersion: '0.43.1',
  addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER_B}`],
  freeBytes: 9_000_000_000,
  repoBytes: 1_000_000,
  pinned: 12,
  queued: 3,
  errors: 1,
  tags: { region: 'eu', rack: 'r1' },
  intervalMs: 10_000,
  ts: TS,
};

const family = releasedRegistry.family('PeerHeartbeat');
const wire = {
  peer: PEER_B,
  agent_version: 'a',
  ipfs_version: 'v',
  addresses: [] as string[],
  free_bytes: 0,
  repo_bytes: 0,
  pinned: 0,
  queued: 0,
  errors: 0,
  tags: {},
  interval_ms: 1000,
  ts: TS,
};
const raw = (over: Record<string, unknown>): Buffer => family.encode({ ...wire, ...over });

describe('peer heartbeat codec', () => {
  it('round-trips a full heartbeat and a minimal one', () => {
    expect(decodePeerHeartbeat(encodePeerHeartbeat(full))).toEqual(full);
    const minimal = decodePeerHeartbeat(raw({}));
    expect(minimal).toMatchObject({ peer: PEER_B, addresses: [], tags: {}, freeBytes: 0, intervalMs: 1000 });
  });

  it('validates peer, counts, addresses, tags and ts, naming the wire field', () => {
    expectPinstateError(() => decodePeerHeartbeat(raw({ peer: 'p/q' })), 'INVALID_PEER', 'peer');
    expectPinstateError(() => decodePeerHeartbeat(raw({ free_bytes: -1 })), 'INVALID_FIELD', 'free_bytes');
    expectPinstateError(() => decodePeerHeartbeat(raw({ interval_ms: -5 })), 'INVALID_FIELD', 'interval_ms');
    expectPinstateError(() => decodePeerHeartbeat(raw({ addresses: ['tcp/1'] })), 'INVALID_FIELD', 'addresses[0]');
    const many = Array.from({ length: HEARTBEAT_LIMITS.addresses + 1 }, (_, i) => `/ip4/127.0.0.1/tcp/${i}`);
    expectPinstateError(() => decodePeerHeartbeat(raw({ addresses: many })), 'OVERSIZED_VALUE', 'addresses');
    expectPinstateError(() => decodePeerHeartbeat(raw({ tags: { k: 'x'.repeat(HEARTBEAT_LIMITS.tagBytes + 1) } })), 'OVERSIZED_VALUE', 'tags.k');
    expectPinstateError(() => decodePeerHeartbeat(raw({ ts: -1 })), 'INVALID_FIELD', 'ts');
  });

  it('refuses to encode a negative count, naming the domain field', () => {
    expectPinstateError(() => encodePeerHeartbeat({ ...full, freeBytes: -1 }), 'INVALID_FIELD', 'freeBytes');
  });
});
