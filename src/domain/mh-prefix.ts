/**
 * mh_prefix: the first two bytes of the multihash DIGEST as an unsigned 16-bit integer (0–65535).
 * Not the first two bytes of the multihash itself: those are the hash code and length
 * (0x12 0x20 for every sha2-256 CID) and would put every pin in one place.
 */

export const MH_PREFIX_BITS = 16;
export const MH_PREFIX_MAX = 0xffff;

export function mhPrefixOfDigest(digest: Uint8Array): number {
  const hi = digest[0];
  const lo = digest[1];
  if (hi === undefined || lo === undefined) {
    throw new RangeError('digest shorter than 2 bytes');
  }
  return (hi << 8) | lo;
}

/** Kafka record key for a prefix: 4 lower-case hex digits, readable in any console consumer. */
export function mhPrefixKey(mhPrefix: number): string {
  return mhPrefix.toString(16).padStart(4, '0');
}

/**
 * The pins_by_peer bucket of a prefix: its top `bits` bits. `bits` is fixed when the keyspace is
 * created (recorded in pinstate_meta) because changing it moves every row.
 */
export function peerBucket(mhPrefix: number, bits: number): number {
  return mhPrefix >>> (MH_PREFIX_BITS - bits);
}
