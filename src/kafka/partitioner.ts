/**
 * Kafka's default partitioner without kafkajs's cost. kafkajs's own (`Partitioners.DefaultPartitioner`)
 * hashes every message's key with murmur2 written on its 64-bit Long emulation, copies the key into a
 * new Buffer first, and filters the topic's partition list for every message: 5 % of the writer's
 * busy CPU in a 30,000-pin profile (docs/profiles/writer.md). This one picks the same partition
 * for every message (a unit test holds it to kafkajs's answers), with the 32-bit murmur2 of
 * src/domain/partition.ts and the hash of recent string keys remembered: the writer's keys are at
 * most 65,536 mh_prefix keys and the peer ids, over and over.
 *
 * The rules are kafkajs's (and the Java client's of 0.10.2):
 * - a message that names its partition goes there;
 * - a keyed message goes to murmur2(key) made positive, modulo the topic's partition count;
 * - an unkeyed one goes round-robin over the partitions that have a leader (over all of them when
 *   none has), from a random start per topic.
 */
import { randomInt } from 'node:crypto';
import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';
import { murmur2 } from '../domain/partition.js';

/** String keys whose hash is remembered; the cache starts over when full. */
export const KEY_HASH_CACHE_SIZE = 65_536;

const toPositive = (x: number): number => x & 0x7fffffff;

/** murmur2 of string keys, remembered for the last KEY_HASH_CACHE_SIZE distinct keys. */
export function keyHasher(cacheSize = KEY_HASH_CACHE_SIZE): (key: string | Buffer) => number {
  const encoder = new TextEncoder();
  let cache = new Map<string, number>();
  return (key) => {
    if (typeof key !== 'string') return murmur2(key);
    let h = cache.get(key);
    if (h === undefined) {
      h = murmur2(encoder.encode(key));
      if (cache.size >= cacheSize) cache = new Map();
      cache.set(key, h);
    }
    return h;
  };
}

/** A kafkajs `createPartitioner`: the same partitions as kafkajs's DefaultPartitioner, cheaper. */
export const KeyPartitioner: ICustomPartitioner = () => {
  const hash = keyHasher();
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }: PartitionerArgs): number => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const numPartitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined) return toPositive(hash(message.key)) % numPartitions;
    const counter = (counters.get(topic) ?? randomInt(2 ** 32)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[toPositive(counter) % available.length]!.partitionId;
    return toPositive(counter) % numPartitions;
  };
};
