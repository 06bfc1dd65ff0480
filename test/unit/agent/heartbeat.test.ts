import { describe, expect, it } from 'vitest';
import { buildHeartbeat, swarmAddresses } from '../../../src/agent/heartbeat.js';
import { agentAssignment } from '../../../src/agent/placement-reader.js';
import { decodePeerHeartbeat, encodePeerHeartbeat } from '../../../src/codec/heartbeat-codec.js';
import { partitionForKey } from '../../../src/domain/partition.js';
import { peerId } from '../../support/cids.js';

describe('heartbeat', () => {
  const identity = { id: 'K', addresses: ['/ip4/127.0.0.1/tcp/4001/p2p/K', '/ip4/127.0.0.1/tcp/4001/p2p/K', '/ip4/10.0.0.1/tcp/4001', 'garbage'] };

  it('keeps multiaddrs, adds /p2p/<id> where missing, drops duplicates', () => {
    expect(swarmAddresses(identity)).toEqual(['/ip4/127.0.0.1/tcp/4001/p2p/K', '/ip4/10.0.0.1/tcp/4001/p2p/K']);
  });

  it('free space is StorageMax - RepoSize, never negative; the result passes the codec', () => {
    const peer = peerId('hb');
    const base = { peer, agentVersion: 'pinstate-agent/0.1.0', ipfsVersion: '0.43.1', identity: { ...identity, id: peer }, pinned: 3, queued: 1, errors: 0, tags: { region: 'eu' }, intervalMs: 10_000, now: 1_700_000_000_000 };
    const hb = buildHeartbeat({ ...base, repo: { repoSize: 40, storageMax: 100 } });
    expect(hb.freeBytes).toBe(60);
    expect(decodePeerHeartbeat(encodePeerHeartbeat(hb))).toEqual({ ...hb, addresses: [...hb.addresses] });
    expect(buildHeartbeat({ ...base, repo: { repoSize: 200, storageMax: 100 } }).freeBytes).toBe(0);
  });
});

describe('agentAssignment', () => {
  it("gives the peer's partition to exactly one member (the first by id)", () => {
    const plan = agentAssignment(['m2', 'm1'], 'pins.placements', 7);
    expect(plan.get('m1')).toEqual({ 'pins.placements': [7] });
    expect(plan.get('m2')).toEqual({});
  });

  it('the partition is the one the writer (kafkajs default partitioner = murmur2) publishes the peer to', async () => {
    // kafkajs's own default partitioner, as the writer's producer uses it.
    const { Partitioners } = await import('kafkajs');
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 16 }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    for (let i = 0; i < 50; i++) {
      const peer = peerId(`agent-${i}`);
      expect(partitionForKey(peer, 16)).toBe(partitioner({ topic: 't', partitionMetadata, message: { key: peer, value: null } }));
    }
  });
});
