/**
 * "One allocator is active at a time" as a Kafka group assignment: every partition of the
 * allocator's input topic goes to one member, the oldest (earliest start, then member id), and
 * the others get nothing and stay idle as hot standbys. The incumbent stays owner when a new
 * member joins (it is older), and the group coordinator hands ownership to the next-oldest when
 * the owner leaves or misses its session timeout. Each member puts its start time in the join
 * metadata's userData so whichever member leads the group computes the same answer.
 */
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

export const SOLE_OWNER_ASSIGNER_NAME = 'PinstateSoleOwner';

export interface GroupMember {
  readonly memberId: string;
  /** Unix ms the member started, from its userData (missing → treated as youngest). */
  readonly startedAt: number;
}

/** Pure core: the owning member's id, or undefined for an empty group. */
export function soleOwner(members: readonly GroupMember[]): string | undefined {
  const sorted = [...members].sort((a, b) => a.startedAt - b.startedAt || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  return sorted[0]?.memberId;
}

export function encodeStartedAt(startedAt: number): Buffer {
  return Buffer.from(JSON.stringify({ startedAt }), 'utf8');
}

export function decodeStartedAt(userData: Buffer | null | undefined): number {
  try {
    const v = JSON.parse((userData ?? Buffer.alloc(0)).toString('utf8')) as { startedAt?: unknown };
    return typeof v.startedAt === 'number' && Number.isFinite(v.startedAt) ? v.startedAt : Number.MAX_SAFE_INTEGER;
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

export function soleOwnerAssigner(startedAt: number): PartitionAssigner {
  return ({ cluster }) => {
    const assigner: Assigner = {
      name: SOLE_OWNER_ASSIGNER_NAME,
      version: 1,
      assign({ members, topics }) {
        const owner = soleOwner(
          members.map((m) => {
            const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
            return { memberId: m.memberId, startedAt: decodeStartedAt(meta?.userData) };
          }),
        );
        const all: Record<string, number[]> = {};
        for (const topic of topics) all[topic] = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
        return Promise.resolve(
          members.map((m) => ({
            memberId: m.memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: m.memberId === owner ? all : {}, userData: Buffer.alloc(0) }),
          })),
        );
      },
      protocol({ topics }) {
        return { name: SOLE_OWNER_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: encodeStartedAt(startedAt) }) };
      },
    };
    return assigner;
  };
}
