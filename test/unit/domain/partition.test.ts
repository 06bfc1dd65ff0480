import { describe, expect, it } from 'vitest';
import { partitionForKey, prefixPartition } from '../../../src/domain/partition.js';
import { MH_PREFIX_MAX, mhPrefixKey } from '../../../src/domain/mh-prefix.js';

describe('prefixPartition', () => {
  it('is partitionForKey of the prefix key, for every prefix, asked twice', () => {
    for (const n of [1, 7, 64, 256]) {
      for (let round = 0; round < 2; round++) {
        for (let mh = 0; mh <= MH_PREFIX_MAX; mh++) {
          const expected = partitionForKey(mhPrefixKey(mh), n);
          if (prefixPartition(mh, n) !== expected) expect.fail(`prefix ${mh}, ${n} partitions: ${prefixPartition(mh, n)} !== ${expected}`);
        }
      }
    }
    expect(prefixPartition(0x1234, 64)).toBe(partitionForKey('1234', 64));
  });

  it('refuses a partition count or a prefix out of range, naming it', () => {
    expect(() => prefixPartition(1, 0)).toThrow(/partitions must be a positive integer, got 0/);
    expect(() => prefixPartition(1, 2.5)).toThrow(/partitions must be a positive integer/);
    expect(() => prefixPartition(65_536, 8)).toThrow(/mh_prefix must be an integer in 0..65535, got 65536/);
    expect(() => prefixPartition(-1, 8)).toThrow(/mh_prefix/);
  });
});
