/**
 * Co-partitioned assignment: partition i of every subscribed topic goes to the same member.
 * The writer relies on it: a CID's intents and acks sit on partition i of their topics, and the
 * member owning i is the only process that writes that CID and its pin_stats shard.
 * Partition numbers are dealt round-robin over members sorted by id, so the result is stable.
 */
import type { PartitionAssigner } from 'kafkajs';
import { planAssigner } from '../../src/kafka/plan-assigner.js';

export const CO_PARTITION_ASSIGNER_NAME = 'PinstateCoPartition';

/** Pure core: member ids × partition counts per topic → topic → partitions per member. */
export function coPartitionAssignment(memberIds: readonly string[], partitionsByTopic: Readonly<Record<string, number>>): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out = new Map<string, Record<string, number[]>>(members.map((m) => [m, {}]));
  if (members.length === 0) return out;
  const maxPartitions = Math.max(0, ...Object.values(partitionsByTopic));
  for (let p = 0; p < maxPartitions; p++) {
    const member = members[p % members.length]!;
    const assignment = out.get(member)!;
    for (const [topic, count] of Object.entries(partitionsByTopic)) {
      if (p < count) (assignment[topic] ??= []).push(p);
    }
  }
  return out;
}

export const CoPartitionAssigner: PartitionAssigner = planAssigner(CO_PARTITION_ASSIGNER_NAME, ({ memberIds, topics, partitionCount }) =>
  coPartitionAssignment(memberIds, Object.fromEntries(topics.map((topic) => [topic, partitionCount(topic)]))),
);
