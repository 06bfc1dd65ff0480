/**
 * The kafkajs adapter of the writer: the consumer group (co-partitioned assignment, membership
 * generations for fencing), its eachBatch loop cut into chunks for the ChunkProcessor, the
 * producer with byte-bounded group commit, and a drain that commits before the consumer stops.
 * Nothing outside this file (and writer.ts's construction of it) knows kafkajs.
 */
import kafkajs, { type Admin, type Consumer, type EachBatchPayload, type Kafka, type Producer } from 'kafkajs';
import { PinstateError, isPinstateError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { toKafkaError } from '../../src/kafka/errors.js';
import { KeyPartitioner } from '../../src/kafka/partitioner.js';
import { CoPartitionAssigner } from './assigner.js';
import { Gatherer } from './gatherer.js';
import type { Chunk, ChunkConsumer, ChunkOutcome, CommitPosition, PublishedOutcome } from './chunk-processor.js';
import { coalescing, flattenTopicMessages, groupByTopic, messageBytes, MAX_COALESCED_ITEMS, type TopicMessage } from './publisher.js';
import type { TopicMessages } from './outputs.js';

// Node's ESM loader does not see this CommonJS export by name (vitest's loader does): read it off the module.
const { ConfigResourceTypes } = kafkajs;

/** Fetch sizes: bounded memory with a backlog of any size (docs/profiles/writer.md). */
const FETCH_BYTES_PER_PARTITION = 64 * 1024;
const FETCH_BYTES = 1024 * 1024;

/**
 * Chunks of one partition whose offset commit may still be in flight when the next one starts.
 * Two lets a commit overlap the next chunk's apply; more would only let commits pile up behind a
 * slow coordinator (everything is bounded, design §5).
 */
const MAX_UNCOMMITTED_CHUNKS = 2;

/** The broker's default max.message.bytes (1 MiB + 12); outputs stay under it unless told otherwise. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * The member's generations. Each join is a new generation; a heartbeat or commit that says the
 * group moved on ends the current one at once, before kafkajs has rejoined.
 *
 * It also holds a lease: the coordinator evicts a member `session_timeout` after the last
 * heartbeat it received, and only then can its partitions go to another member. So a member whose
 * join or last answered heartbeat is younger than half the session timeout still owns its
 * partitions, whatever else happened meanwhile; an older one may not (a stalled process cannot
 * tell from inside how long it was stopped, but the monotonic clock can). Writes need the lease.
 */
export class Membership {
  private gen = 0;
  private lost = true;
  /** Partitions assigned per topic (asked before every write request, so no string is built per ask). */
  private assigned = new Map<string, ReadonlySet<number>>();
  private confirmedAt = -Infinity;

  constructor(
    /** How long a confirmation holds (ms): half the session timeout. */
    private readonly leaseMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get generation(): number {
    return this.gen;
  }

  joined(assignment: Readonly<Record<string, readonly number[]>>): void {
    this.gen++;
    this.lost = false;
    this.confirmedAt = this.now();
    this.assigned = new Map(Object.entries(assignment).map(([topic, ps]) => [topic, new Set(ps)]));
  }

  /** The coordinator answered a heartbeat of the current generation. */
  confirmed(): void {
    if (!this.lost) this.confirmedAt = this.now();
  }

  lose(): void {
    this.lost = true;
  }

  owns(topic: string, partition: number, generation: number): boolean {
    return !this.lost && generation === this.gen && this.assigned.get(topic)?.has(partition) === true;
  }

  /** True while the last confirmation is younger than the lease. */
  leaseHeld(): boolean {
    return !this.lost && this.now() - this.confirmedAt < this.leaseMs;
  }
}

export interface KafkaGroupOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly partitionsConcurrently: number;
  readonly maxBatchOps: number;
  /** Gather small chunks of different partitions into one processing group (writer.joint_commit). */
  readonly jointCommit: boolean;
  readonly logger: Logger;
  /** Largest record batch the output topics accept (bytes); sends are kept under it. */
  readonly maxMessageBytes?: number;
  /** Shard ownership may have moved: forget cached state. */
  readonly onJoin: () => void;
  /** The consumer crashed and kafkajs will not restart it. */
  readonly onCrash: (err: Error) => void;
  /**
   * At each fetched batch: lag per partition, and the age in ms of the batch's first message
   * (now − its record timestamp; null for an empty batch).
   */
  readonly onBatch?: (topic: string, partition: number, lag: number, firstAgeMs: number | null) => void;
}

/** One chunk and the consumer side of the batch it came from. */
export interface GroupItem {
  readonly chunk: Chunk;
  readonly consumer: ChunkConsumer;
}

/** What the processor gets per batch plus the group's lifecycle. */
export interface KafkaGroup {
  /**
   * Connects the producer and the consumer and starts consuming through `processGroup` (one item
   * per chunk; several when small chunks were gathered; one outcome per item).
   */
  start(processGroup: (items: readonly GroupItem[]) => Promise<ReadonlyArray<ChunkOutcome | PublishedOutcome>>, onFailed: (err: Error) => void): Promise<void>;
  /**
   * Stops fetching, waits for in-flight chunks (which commit while the consumer still runs: a
   * stopped kafkajs consumer silently drops commits), then leaves the group and disconnects.
   * Resolves false when `deadline` passed first (in-flight work is abandoned, redelivered later).
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** Disconnects at once (after a failure or a timed-out drain). */
  close(): Promise<void>;
}

export function createKafkaGroup(o: KafkaGroupOptions): KafkaGroup {
  const membership = new Membership(o.sessionTimeoutMs / 2);
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  /** No new chunk starts (drain or failure). */
  let draining = false;
  /** In-flight chunks must give up too (the drain timed out, or the writer failed). */
  let abandoned = false;
  const inFlight = new Set<Promise<void>>();
  const maxBytes = Math.floor((o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES) * 0.9);

  const sendOutputs = coalescing<TopicMessage>((items) => producer!.sendBatch({ topicMessages: groupByTopic(items), acks: -1 }).then(() => undefined), {
    maxItems: MAX_COALESCED_ITEMS,
    maxBytes,
    sizeOf: messageBytes,
  });
  const commitOffsets = coalescing<CommitPosition>((offsets) => consumer!.commitOffsets(offsets.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset }))), { maxItems: MAX_COALESCED_ITEMS });

  /** A Kafka call whose error is wrapped with its class; a rejoin-class error ends the generation. */
  async function classified<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err: unknown) {
      const e = toKafkaError(err, what);
      if (e.category === 'rejoin') membership.lose();
      throw e;
    }
  }

  return {
    async start(processGroup, onFailed) {
      // Chunks of half max_batch_ops or more are a backlog: they keep per-partition parallelism.
      const gatherer = new Gatherer<GroupItem, ChunkOutcome | PublishedOutcome>({
        maxOps: o.maxBatchOps,
        soloOps: o.jointCommit ? Math.max(1, Math.floor(o.maxBatchOps / 2)) : 0,
        sizeOf: (item) => item.chunk.messages.length,
        run: processGroup,
      });
      producer = o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: KeyPartitioner });
      await producer.connect();
      const c = o.kafka.consumer({
        groupId: o.groupId,
        partitionAssigners: [CoPartitionAssigner],
        sessionTimeout: o.sessionTimeoutMs,
        heartbeatInterval: o.heartbeatIntervalMs,
        maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
        maxBytes: FETCH_BYTES,
        readUncommitted: false,
        allowAutoTopicCreation: false,
      });
      consumer = c;
      c.on(c.events.GROUP_JOIN, (e) => {
        membership.joined(e.payload.memberAssignment);
        o.onJoin();
        o.logger.info({ memberId: e.payload.memberId, generation: membership.generation, assignment: e.payload.memberAssignment }, 'joined group');
      });
      // kafkajs emits this only after the coordinator answered (a refused heartbeat throws instead).
      c.on(c.events.HEARTBEAT, () => membership.confirmed());
      c.on(c.events.CRASH, (e) => {
        membership.lose();
        o.logger.error({ err: e.payload.error.message, restart: e.payload.restart }, 'consumer crashed');
        if (!e.payload.restart) o.onCrash(e.payload.error);
      });

      /** Work the drain must wait for: eachBatch calls and the offset commits they left in flight. */
      const track = (p: Promise<unknown>): void => {
        const tracked: Promise<void> = p.then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(tracked);
        void tracked.finally(() => inFlight.delete(tracked));
      };
      /** A commit left in flight that did not commit: a failure stops the writer; a lost partition is only logged. */
      const settleCommit = async (commit: Promise<ChunkOutcome>, chunk: Chunk): Promise<void> => {
        let outcome: ChunkOutcome;
        try {
          outcome = await commit;
        } catch (err: unknown) {
          outcome = { kind: 'failed', error: err instanceof Error ? err : new Error(String(err)) };
        }
        if (outcome.kind === 'failed') {
          draining = abandoned = true;
          onFailed(outcome.error);
        } else if (outcome.kind === 'dropped') {
          // Its ops were applied and published; the partition's next owner redoes them from the last commit (dedup).
          o.logger.warn({ topic: chunk.topic, partition: chunk.partition, reason: outcome.reason, generation: chunk.generation, current: membership.generation }, 'offset not committed: the partition is no longer ours');
        }
      };

      /** Per partition, the commits left in flight; a partition has at most MAX_UNCOMMITTED_CHUNKS. */
      const uncommitted = new Map<string, Array<Promise<void>>>();
      const leaveInFlight = (key: string, settled: Promise<void>): void => {
        const list = uncommitted.get(key) ?? [];
        uncommitted.set(key, list);
        list.push(settled);
        track(settled);
        void settled.finally(() => {
          void list.splice(list.indexOf(settled), 1);
          if (list.length === 0 && uncommitted.get(key) === list) uncommitted.delete(key);
        });
      };
      /** Waits until the partition may leave one more commit in flight. */
      const commitRoom = async (key: string): Promise<void> => {
        for (let list = uncommitted.get(key); list !== undefined && list.length >= MAX_UNCOMMITTED_CHUNKS; list = uncommitted.get(key)) await list[0];
      };

      const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
        const { batch } = payload;
        const generation = membership.generation;
        const first = batch.messages[0];
        o.onBatch?.(batch.topic, batch.partition, Number(batch.offsetLag()), first === undefined ? null : Date.now() - Number(first.timestamp));
        const partitionKey = `${batch.topic}/${batch.partition}`;
        const ports: ChunkConsumer = {
          publish: (messages: TopicMessages[]) => classified('publish', () => sendOutputs(flattenTopicMessages(messages))),
          commit: (position) => classified('commit', () => commitOffsets([position])),
          heartbeat: () => classified('heartbeat', () => payload.heartbeat()),
          isLive: (chunk) => !abandoned && payload.isRunning() && !payload.isStale() && membership.owns(chunk.topic, chunk.partition, chunk.generation),
          leaseHeld: () => membership.leaseHeld(),
        };
        for (let i = 0; i < batch.messages.length; i += o.maxBatchOps) {
          if (draining || abandoned || !payload.isRunning() || payload.isStale()) return;
          const messages = batch.messages.slice(i, i + o.maxBatchOps).map((m) => ({ offset: m.offset, key: m.key, value: m.value }));
          const chunk: Chunk = { topic: batch.topic, partition: batch.partition, generation, messages };
          await commitRoom(partitionKey);
          const outcome = await gatherer.submit({ chunk, consumer: ports });
          // Applied and published: its offset commit runs on while this partition goes on (the drain waits for it).
          if (outcome.kind === 'published') leaveInFlight(partitionKey, settleCommit(outcome.commit, chunk));
          if (outcome.kind === 'failed') {
            draining = abandoned = true;
            onFailed(outcome.error);
            return;
          }
          if (outcome.kind === 'dropped') {
            o.logger.warn({ topic: batch.topic, partition: batch.partition, reason: outcome.reason, generation, current: membership.generation }, 'chunk dropped uncommitted: the partition is no longer ours');
            // A rebalance error handed back to kafkajs makes it rejoin now rather than at the next heartbeat.
            if (outcome.reason === 'rejoin') await payload.heartbeat();
            return;
          }
          payload.resolveOffset(messages[messages.length - 1]!.offset);
        }
        await payload.heartbeat();
      };

      await c.connect();
      await c.subscribe({ topics: [...o.topics], fromBeginning: o.fromBeginning });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: o.partitionsConcurrently,
        eachBatch: (payload) => {
          const p = eachBatch(payload);
          track(p);
          return p;
        },
      });
    },

    async drain(timeoutMs) {
      draining = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
      const work = (async () => {
        // No new fetches; in-flight chunks finish and commit while the consumer still runs.
        consumer?.pause(o.topics.map((topic) => ({ topic })));
        while (inFlight.size > 0) await Promise.all([...inFlight]);
        await consumer?.stop();
        await consumer?.disconnect();
        await producer?.disconnect();
        return 'done' as const;
      })();
      work.catch(() => undefined);
      const outcome = await Promise.race([work, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        abandoned = true;
        return false;
      }
      return true;
    },

    async close() {
      draining = abandoned = true;
      await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
    },
  };
}

/**
 * Start-up check: the source topics exist with `partitions` partitions each. Returns the smallest
 * max.message.bytes of the output topics (the broker default when none answers), the bound the
 * output coalescer keeps its sends under.
 */
export async function checkTopics(kafka: Kafka, partitions: number, sources: readonly string[], outputs: readonly string[]): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [...sources] });
    for (const t of meta.topics) {
      if (t.partitions.length !== partitions) {
        throw new PinstateError('CONFIG_INVALID', `topic ${t.name} has ${t.partitions.length} partitions but kafka.partitions.intents is ${partitions}`, { field: 'kafka.partitions.intents' });
      }
    }
    return await maxMessageBytes(admin, outputs);
  } catch (err: unknown) {
    if (isPinstateError(err)) throw err;
    throw new PinstateError('KAFKA_UNAVAILABLE', `cannot read topics ${sources.join(', ')}: ${err instanceof Error ? err.message : String(err)} (run \`pinstate topics ensure\`)`, { cause: err });
  } finally {
    await admin.disconnect();
  }
}

async function maxMessageBytes(admin: Admin, names: readonly string[]): Promise<number> {
  try {
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })) });
    const values = res.resources.flatMap((r) => r.configEntries.filter((e) => e.configName === 'max.message.bytes').map((e) => Number(e.configValue)));
    const ok = values.filter((v) => Number.isFinite(v) && v > 0);
    return ok.length > 0 ? Math.min(...ok) : DEFAULT_MAX_MESSAGE_BYTES;
  } catch {
    // A missing output topic fails every publish anyway (no auto-creation); readiness shows it.
    return DEFAULT_MAX_MESSAGE_BYTES;
  }
}
