import { randomBytes } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KeyPartitioner, keyHasher } from '../../../src/kafka/partitioner.js';
import { murmur2 } from '../../../src/domain/partition.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';

const meta = (n: number, leaderless: readonly number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: leaderless.includes(i) ? -1 : 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

describe('KeyPartitioner', () => {
  it('picks the partition kafkajs\'s DefaultPartitioner picks, for every kind of key and partition count', () => {
    const ours = KeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: Array<string | Buffer> = [
      ...Array.from({ length: 2_000 }, (_, i) => mhPrefixKey((i * 97) % 65_536)),
      '12D3KooWLwGb2s1Qf9Ym1ZzqKpRrX7e6Ej3pyG2qPqZ8oTG6bWvA',
      '',
      'pîn ✓ 日本',
      ...Array.from({ length: 300 }, (_, i) => randomBytes(i % 41)),
    ];
    let compared = 0;
    for (const n of [1, 3, 8, 64, 257]) {
      const partitionMetadata = meta(n);
      for (const key of keys) {
        const message = { key, value: null };
        expect(ours({ topic: 't', partitionMetadata, message })).toBe(theirs({ topic: 't', partitionMetadata, message }));
        compared++;
      }
    }
    expect(compared).toBe(5 * keys.length);
  });

  it('answers a remembered key the same as a fresh one', () => {
    const ours = KeyPartitioner();
    const partitionMetadata = meta(64);
    const first = ours({ topic: 't', partitionMetadata, message: { key: 'abcd', value: null } });
    for (let i = 0; i < 3; i++) expect(ours({ topic: 't', partitionMetadata, message: { key: 'abcd', value: null } })).toBe(first);
    expect(ours({ topic: 't', partitionMetadata, message: { key: Buffer.from('abcd'), value: null } })).toBe(first);
  });

  it('sends a message that names its partition there, whatever its key', () => {
    const ours = KeyPartitioner();
    expect(ours({ topic: 't', partitionMetadata: meta(8), message: { key: 'abcd', value: null, partition: 5 } })).toBe(5);
    expect(ours({ topic: 't', partitionMetadata: meta(8), message: { key: null, value: null, partition: 0 } })).toBe(0);
  });

  it('spreads unkeyed messages round-robin over the partitions that have a leader', () => {
    const ours = KeyPartitioner();
    const partitionMetadata = meta(4, [1]);
    const picks = Array.from({ length: 9 }, () => ours({ topic: 't', partitionMetadata, message: { key: null, value: null } }));
    expect(new Set(picks)).toEqual(new Set([0, 2, 3]));
    // Consecutive picks walk the available partitions in order, as kafkajs's counter does.
    const order = [0, 2, 3];
    for (let i = 1; i < picks.length; i++) expect(order.indexOf(picks[i]!)).toBe((order.indexOf(picks[i - 1]!) + 1) % 3);
    // With no leader anywhere it still answers a partition of the topic.
    const none = ours({ topic: 'u', partitionMetadata: meta(3, [0, 1, 2]), message: { key: null, value: null } });
    expect([0, 1, 2]).toContain(none);
  });
});

describe('keyHasher', () => {
  it('hashes like murmur2 of the UTF-8 bytes, also once its cache started over', () => {
    const hash = keyHasher(4);
    for (let round = 0; round < 3; round++) {
      for (const key of ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'ü']) expect(hash(key)).toBe(murmur2(Buffer.from(key, 'utf8')));
    }
    expect(hash(Buffer.from([1, 2, 3]))).toBe(murmur2(Buffer.from([1, 2, 3])));
  });
});
