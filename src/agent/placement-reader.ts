/**
 * The agent's reader of pins.placements. The topic is keyed by peer id and the writer publishes
 * with kafkajs's default partitioner (murmur2 of the key, as Kafka's Java client), so every change
 * for this peer sits on one partition, `partitionForKey(peer, partitions)`. The agent reads only
 * that partition: with P partitions and N peers it reads about N/P peers' changes instead of all
 * N, and skips the others' by comparing keys before decoding.
 *
 * kafkajs has no manual `assign()`, so the reader is the only member of its own consumer group
 * (`<agent.group_prefix>-<peer>`) whose assigner hands it exactly that partition: the group
 * exists only to keep the offset, so a restart resumes where the agent left off. A second agent
 * started for the same peer joins the same group and gets nothing (the assigner gives the
 * partition to one member), which keeps two agents from driving one peer's stream.
 *
 * A new group starts at the partition's end: what was placed before is in pins_by_peer, and the
 * reconcile the agent runs after starting the reader picks it up.
 */
import type { Consumer, EachBatchPayload, Kafka, PartitionAssigner } from '../kafka/kafkajs-types.js';
import { planAssigner } from '../kafka/plan-assigner.js';
import { topicOffsets } from '../kafka/offsets.js';
import { decodePlacementChange } from '../codec/index.js';
import type { PlacementChange } from '../domain/messages.js';
import { partitionForKey } from '../domain/partition.js';
import { sleep } from '../sleep.js';
import type { Logger } from '../log.js';

export const AGENT_ASSIGNER_NAME = 'PinstateAgentPartition';

/** Pure core: the first member (by id) gets `partition` of `topic`; the others nothing. */
export function agentAssignment(memberIds: readonly string[], topic: string, partition: number): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  return new Map(members.map((m, i) => [m, i === 0 ? { [topic]: [partition] } : {}]));
}

export function agentAssigner(topic: string, partition: number): PartitionAssigner {
  return planAssigner(AGENT_ASSIGNER_NAME, ({ memberIds }) => agentAssignment(memberIds, topic, partition));
}

export type RecordOutcome = 'other_peer' | 'undecodable' | 'mismatched_peer' | 'delivered';

export interface PlacementReaderOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly peer: string;
  readonly groupId: string;
  /** Called for each of this peer's changes, in order; the offset moves on once it resolves (it may wait for queue space). */
  readonly onChange: (change: PlacementChange) => Promise<void>;
  readonly onRecord?: (outcome: RecordOutcome) => void;
  readonly logger: Logger;
}

export interface PlacementReader {
  readonly partition: number;
  readonly partitions: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** How often a reader waiting in onChange (queue full) heartbeats its group. */
const HEARTBEAT_WHILE_WAITING_MS = 1000;

export async function createPlacementReader(options: PlacementReaderOptions): Promise<PlacementReader> {
  const { kafka, topic, peer, groupId, logger } = options;
  const peerKey = Buffer.from(peer, 'utf8');
  const admin = kafka.admin();
  await admin.connect();
  let partitions: number;
  let partition: number;
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    partitions = meta.topics[0]?.partitions.length ?? 0;
    if (partitions === 0) throw new Error(`topic ${topic} has no partitions (run: pinstate topics ensure)`);
    partition = partitionForKey(peerKey, partitions);
    // A new group starts at the end of our partition (reconcile covers everything before it).
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ours = committed[0]?.partitions.find((p) => p.partition === partition);
    if (ours === undefined || ours.offset === '-1') {
      const ends = await topicOffsets(admin, topic);
      const end = ends.find((p) => p.partition === partition)?.high ?? '0';
      await admin.setOffsets({ groupId, topic, partitions: [{ partition, offset: end }] });
      logger.info({ topic, partition, offset: end }, 'new agent group: starting at the end of the partition');
    }
  } finally {
    await admin.disconnect();
  }

  let consumer: Consumer | undefined;

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      if (message.key === null || !peerKey.equals(message.key)) {
        options.onRecord?.('other_peer');
      } else {
        const change = decode(message.value, batch.partition, message.offset);
        if (change !== null) {
          options.onRecord?.('delivered');
          // Waiting for queue space can take long: keep the group membership alive meanwhile.
          const handled = options.onChange(change);
          let done = false;
          void handled.finally(() => (done = true)).catch(() => undefined);
          while (!done) {
            await Promise.race([handled, sleep(HEARTBEAT_WHILE_WAITING_MS)]);
            if (!done) await payload.heartbeat();
          }
          await handled;
        }
      }
      payload.resolveOffset(message.offset);
    }
    await payload.commitOffsetsIfNecessary();
    await payload.heartbeat();
  }

  function decode(value: Buffer | null, p: number, offset: string): PlacementChange | null {
    try {
      if (value === null) throw new Error('empty message value');
      const change = decodePlacementChange(value);
      if (change.peer !== peer) {
        options.onRecord?.('mismatched_peer');
        logger.error({ partition: p, offset, valuePeer: change.peer }, 'placement change keyed by this peer names another; skipped');
        return null;
      }
      return change;
    } catch (err: unknown) {
      // The writer is the only producer of this topic: a bad record is its bug, not a reason to stop pinning.
      options.onRecord?.('undecodable');
      logger.error({ partition: p, offset, err: err instanceof Error ? err.message : String(err) }, 'undecodable placement change skipped');
      return null;
    }
  }

  return {
    partition,
    partitions,
    async start() {
      // A short session: a restarted agent (after a crash) waits for its dead predecessor's session to
      // expire before it is given the partition again; 10 s instead of kafkajs's 30 s.
      consumer = kafka.consumer({ groupId, partitionAssigners: [agentAssigner(topic, partition)], allowAutoTopicCreation: false, sessionTimeout: 10_000, heartbeatInterval: 1000 });
      consumer.on(consumer.events.CRASH, (e) => {
        logger.error({ err: e.payload.error.message, restart: e.payload.restart }, 'placement reader crashed');
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      await consumer.run({ autoCommit: true, autoCommitInterval: 1000, eachBatchAutoResolve: false, eachBatch });
      logger.info({ topic, partition, partitions, groupId }, 'reading placements of this peer');
    },
    async stop() {
      if (consumer === undefined) return;
      await consumer.stop();
      await consumer.disconnect();
      consumer = undefined;
    },
  };
}
