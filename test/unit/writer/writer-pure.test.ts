import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { encodeAck, encodeIntent, encodePlacementChange } from '../../../src/codec/index.js';
import { validatePinSpec } from '../../../src/domain/pin.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';
import { partitionForKey } from '../../../src/domain/partition.js';
import { parseCid } from '../../../src/domain/cid.js';
import { coPartitionAssignment } from '../../../consumers/writer/assigner.js';
import { decodeMessage } from '../../../consumers/writer/decode.js';
import { Lifecycle } from '../../../consumers/writer/lifecycle.js';
import { cidV1, peerId } from '../../support/cids.js';

const PARTITIONS = 8;
const cid = cidV1('writer');
const home = partitionForKey(mhPrefixKey(parseCid(cid).mhPrefix), PARTITIONS);
const at = (value: Buffer | null, partition = home) => ({ topic: 'pins.intents', partition, offset: '41', value });

describe('partitionForKey', () => {
  it('matches the partition kafkajs\'s default (Java-compatible) partitioner picks', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const meta = Array.from({ length: 64 }, (_, i) => ({ partitionId: i, leader: 1 }));
    for (let mh = 0; mh < 65536; mh += 97) {
      const key = mhPrefixKey(mh);
      const theirs = kafkajs({ topic: 't', partitionMetadata: meta as never, message: { key, value: null } });
      expect(partitionForKey(key, 64)).toBe(theirs);
    }
  });
});

describe('decodeMessage', () => {
  it('turns an intent into a store op with its Kafka position', () => {
    const value = encodeIntent({ opId: 'o1', ts: 5, origin: 'peerA', body: { kind: 'UpsertPin', spec: validatePinSpec({ cid, name: 'x' }) } });
    const d = decodeMessage('intents', at(value), PARTITIONS);
    expect(d).toMatchObject({ ok: true, op: { opId: 'o1', ts: 5, origin: 'peerA', source: { topic: 'pins.intents', partition: home, offset: '41' }, body: { kind: 'UpsertPin' } } });
  });

  it('turns an ack into an AckPlacement op', () => {
    const value = encodeAck({ opId: 'a1', ts: 6, cid, peer: peerId(1), state: 'pinned', error: null });
    expect(decodeMessage('acks', at(value), PARTITIONS)).toMatchObject({ ok: true, op: { body: { kind: 'AckPlacement', peer: peerId(1), state: 'pinned' } } });
  });

  it('dead-letters bad bytes, wrong schemas, empty values and misrouted messages with reason codes', () => {
    expect(decodeMessage('intents', at(Buffer.from('garbage')), PARTITIONS)).toMatchObject({ ok: false, dead: { reason: 'UNDECODABLE' } });
    expect(decodeMessage('intents', at(null), PARTITIONS)).toMatchObject({ ok: false, dead: { reason: 'UNDECODABLE' } });
    const change = encodePlacementChange({ cid, peer: peerId(1), desired: true, state: 'pin_queued', opId: 'x', ts: 1 });
    expect(decodeMessage('intents', at(change), PARTITIONS)).toMatchObject({ ok: false, dead: { reason: 'WRONG_SCHEMA' } });
    const value = encodeIntent({ opId: 'o2', ts: 5, origin: 'p', body: { kind: 'DeletePin', cid } });
    expect(decodeMessage('intents', at(value, (home + 1) % PARTITIONS), PARTITIONS)).toMatchObject({ ok: false, dead: { reason: 'MISROUTED', opId: 'o2' } });
  });
});

describe('coPartitionAssignment', () => {
  it('gives partition i of every topic to the same member, spread evenly', () => {
    const plan = coPartitionAssignment(['m2', 'm1', 'm3'], { intents: 8, acks: 8 });
    for (const assignment of plan.values()) expect(assignment['intents']).toEqual(assignment['acks']);
    const all = [...plan.values()].flatMap((a) => a['intents'] ?? []).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...plan.values()].map((a) => a['intents']?.length)).toEqual([3, 3, 2]);
  });

  it('is stable for the same members in any order', () => {
    expect(coPartitionAssignment(['b', 'a'], { t: 4 })).toEqual(coPartitionAssignment(['a', 'b'], { t: 4 }));
  });
});

describe('Lifecycle', () => {
  it('follows starting → running → draining → stopped and refuses illegal moves', () => {
    const seen: string[] = [];
    const l = new Lifecycle((s) => seen.push(s));
    l.to('running');
    expect(() => l.to('stopped')).toThrow(/cannot go from running to stopped/);
    l.to('draining');
    l.to('stopped');
    expect(seen).toEqual(['starting', 'running', 'draining', 'stopped']);
    expect(() => l.to('running')).toThrow();
  });
});
