import { describe, expect, it } from 'vitest';
import { BucketBits } from '../../../src/store/bucket-bits.js';

describe('BucketBits', () => {
  it('remembers exactly the (peer, bucket) rows added, per peer', () => {
    const bits = new BucketBits(15);
    bits.add({ peer: 'p1', bucket: 0 });
    bits.add({ peer: 'p1', bucket: 32_767 });
    bits.add({ peer: 'p2', bucket: 9 });
    expect(bits.has({ peer: 'p1', bucket: 0 })).toBe(true);
    expect(bits.has({ peer: 'p1', bucket: 32_767 })).toBe(true);
    expect(bits.has({ peer: 'p2', bucket: 9 })).toBe(true);
    // Neighbouring bits, the same bucket of another peer, an unknown peer.
    expect(bits.has({ peer: 'p1', bucket: 1 })).toBe(false);
    expect(bits.has({ peer: 'p1', bucket: 8 })).toBe(false);
    expect(bits.has({ peer: 'p2', bucket: 0 })).toBe(false);
    expect(bits.has({ peer: 'p3', bucket: 9 })).toBe(false);
  });

  it('every bucket of a peer is one bit: 2^15 buckets in 4 KiB', () => {
    const bits = new BucketBits(15);
    for (let b = 0; b < 2 ** 15; b += 3) bits.add({ peer: 'p', bucket: b });
    for (let b = 0; b < 2 ** 15; b++) expect(bits.has({ peer: 'p', bucket: b })).toBe(b % 3 === 0);
    expect(bits.size).toBe(4096);
  });

  it('works with fewer than 8 buckets per peer (0 bits: one bucket)', () => {
    const bits = new BucketBits(0);
    expect(bits.has({ peer: 'p', bucket: 0 })).toBe(false);
    bits.add({ peer: 'p', bucket: 0 });
    expect(bits.has({ peer: 'p', bucket: 0 })).toBe(true);
    expect(() => bits.add({ peer: 'p', bucket: 1 })).toThrow(RangeError);
  });

  it('stays within maxBytes by forgetting everything when a new peer would pass it', () => {
    const bits = new BucketBits(15, 3 * 4096);
    for (const peer of ['a', 'b', 'c']) bits.add({ peer, bucket: 5 });
    expect(bits.size).toBe(3 * 4096);
    bits.add({ peer: 'd', bucket: 5 });
    expect(bits.size).toBe(4096);
    expect(bits.has({ peer: 'a', bucket: 5 })).toBe(false);
    expect(bits.has({ peer: 'd', bucket: 5 })).toBe(true);
  });
});
