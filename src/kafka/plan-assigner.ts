/**
 * A kafkajs group assigner built from a pure plan: the writer's co-partitioning and the agent's
 * one-partition assignment are both "member ids (and the cluster's partition counts) → each
 * member's topic → partitions"; this turns such a plan into the protocol kafkajs speaks.
 */
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

/** Member id → topic → partitions. */
export type AssignmentPlan = Map<string, Record<string, number[]>>;

/** What a plan may read: the members' ids, the subscribed topics, and a topic's partition count. */
export interface PlanInput {
  readonly memberIds: string[];
  readonly topics: string[];
  readonly partitionCount: (topic: string) => number;
}

export function planAssigner(name: string, plan: (input: PlanInput) => AssignmentPlan): PartitionAssigner {
  return ({ cluster }) => {
    const assigner: Assigner = {
      name,
      version: 1,
      assign({ members, topics }) {
        const assignments = plan({ memberIds: members.map((m) => m.memberId), topics, partitionCount: (topic) => cluster.findTopicPartitionMetadata(topic).length });
        return Promise.resolve(
          [...assignments].map(([memberId, assignment]) => ({
            memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
          })),
        );
      },
      protocol({ topics }) {
        return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
      },
    };
    return assigner;
  };
}
