/**
 * CPU cost per message of choosing an output partition: kafkajs's DefaultPartitioner against
 * pinstate's KeyPartitioner (src/kafka/partitioner.ts), on the writer's key mix — one event keyed
 * by its mh_prefix and a placement change keyed by a peer id per pin — over 64 partitions,
 * interleaved in one process with the order alternating per round:
 *
 *   node --import tsx tools/bench/partitioner-ab.ts [--messages 200000] [--rounds 6]
 *
 * Prints one JSON line per round and side, then the medians.
 */
import { Partitioners, type ICustomPartitioner, type Message, type PartitionMetadata } from 'kafkajs';
import { KeyPartitioner } from '../../src/kafka/partitioner.js';
import { mhPrefixKey } from '../../src/domain/mh-prefix.js';
import { benchPeers } from '../../src/bench/workload.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const messages = Number(flag('--messages') ?? 200_000);
const rounds = Number(flag('--rounds') ?? 6);

const partitionMetadata: PartitionMetadata[] = Array.from({ length: 64 }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
const peers = benchPeers('partitioner-ab');
// A new object per message with a fresh key string, as the writer's outputs are built.
const work = (): Message[] =>
  Array.from({ length: messages }, (_, i) => (i % 2 === 0 ? { key: mhPrefixKey((i * 7919) % 65_536), value: null } : { key: `${peers[i % peers.length]!}`, value: null }));

const sides: Array<[string, ICustomPartitioner]> = [
  ['kafkajs', Partitioners.DefaultPartitioner],
  ['pinstate', KeyPartitioner],
];
const results = new Map<string, number[]>(sides.map(([name]) => [name, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? sides : [...sides].reverse();
  for (const [name, create] of order) {
    const pick = create();
    const batch = work();
    const start = process.cpuUsage();
    let sum = 0;
    for (const message of batch) sum += pick({ topic: 'pins.events', partitionMetadata, message });
    const used = process.cpuUsage(start);
    const usPerMessage = (used.user + used.system) / messages;
    results.get(name)!.push(usPerMessage);
    process.stdout.write(`${JSON.stringify({ side: name, round: r, messages, cpu_us_per_message: Number(usPerMessage.toFixed(4)), checksum: sum })}\n`);
  }
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
for (const [name, xs] of results) process.stdout.write(`${name}: median ${median(xs).toFixed(4)} µs CPU per message over ${xs.length} rounds\n`);
