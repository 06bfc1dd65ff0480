/**
 * Which Kafka partition a key lands on, computed exactly as Kafka's default partitioner does
 * (murmur2 of the key bytes, made positive, modulo the partition count; kafkajs's default
 * partitioner is the same). The writer uses it to know, without Kafka, which partition — and
 * so which single writer and which pin_stats shard — owns a CID.
 */

import { MH_PREFIX_MAX, mhPrefixKey } from './mh-prefix.js';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) | ((data[i4 + 1]! & 0xff) << 8) | ((data[i4 + 2]! & 0xff) << 16) | ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length4 * 4;
  const rest = length % 4;
  if (rest === 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

const encoder = new TextEncoder();

/** Partition of a record key among `partitions`, as Kafka's default partitioner picks it. */
export function partitionForKey(key: string | Uint8Array, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  return (murmur2(bytes) & 0x7fffffff) % partitions;
}

/** Per partition count, the partition of each mh_prefix key (−1: not computed yet). */
const prefixTables = new Map<number, Int32Array>();

/**
 * Partition of the record key of an mh_prefix (`mhPrefixKey`, 4 hex digits) among `partitions`:
 * `partitionForKey(mhPrefixKey(mhPrefix), partitions)`, remembered. The writer asks it for every op
 * (its routing check, its stats shard), and there are only 65,536 prefixes.
 */
export function prefixPartition(mhPrefix: number, partitions: number): number {
  let table = prefixTables.get(partitions);
  if (table === undefined) {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
    }
    table = new Int32Array(MH_PREFIX_MAX + 1).fill(-1);
    prefixTables.set(partitions, table);
  }
  if (!Number.isInteger(mhPrefix) || mhPrefix < 0 || mhPrefix > MH_PREFIX_MAX) {
    throw new RangeError(`mh_prefix must be an integer in 0..${MH_PREFIX_MAX}, got ${mhPrefix}`);
  }
  let p = table[mhPrefix]!;
  if (p < 0) {
    p = partitionForKey(mhPrefixKey(mhPrefix), partitions);
    table[mhPrefix] = p;
  }
  return p;
}
