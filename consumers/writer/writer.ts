/**
 * The writer: a consumer group over pins.intents and pins.acks that applies each batch through
 * the store and only then publishes its events, placement changes and dead letters and commits
 * the batch's offsets. At-least-once delivery + deterministic, deduplicated writes = exactly-once
 * effects. A slow or unavailable database blocks the partition's batch (consumption pauses);
 * nothing accumulates in memory beyond the fetched batches.
 */
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { PinstateConfig } from '../../src/config/types.js';
import { PinstateError, isPinstateError } from '../../src/errors.js';
import { createKafka, dlqTopic } from '../../src/kafka/client.js';
import { waitForGroupCaughtUp } from '../../src/kafka/lag.js';
import type { Logger } from '../../src/log.js';
import { silentLogger } from '../../src/log.js';
import { createRegistry, writerMetrics, type Registry, type WriterMetrics } from '../../src/metrics.js';
import type { CommitResult } from '../../src/store/commit.js';
import { backoffDelayMs } from '../../src/store/session.js';
import type { StoreOp } from '../../src/store/records.js';
import type { PinStore } from '../../src/store/store.js';
import { CoPartitionAssigner } from './assigner.js';
import { decodeMessage, type DeadLetter, type RawMessage, type TopicRole } from './decode.js';
import { Lifecycle, WRITER_STATES, type WriterState } from './lifecycle.js';
import { deadLetterMessage, rejectionDeadLetter, resultMessages, type TopicMessages } from './outputs.js';

export interface WriterOptions {
  readonly config: PinstateConfig;
  readonly store: PinStore;
  readonly kafka?: Kafka;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Overrides config.kafka.groupId (replay uses its own group). */
  readonly groupId?: string;
  /** Start from the earliest offset when the group has none (default true: lose nothing). */
  readonly fromBeginning?: boolean;
  /** Called when the consumer crashed for good (kafkajs will not restart it); the writer is then `failed`. */
  readonly onFatal?: (err: Error) => void;
  /**
   * Publish events, placement changes and dead letters (default true). Replay into another
   * keyspace sets false so the live topics get no second copy; outcomes still count in metrics.
   */
  readonly publishOutputs?: boolean;
}

export interface Writer {
  readonly state: WriterState;
  /** True while running and the last database call succeeded. */
  ready(): boolean;
  readonly metrics: WriterMetrics;
  start(): Promise<void>;
  /** Graceful stop: no new fetches, in-flight batches finish and commit, bounded by writer.drain_timeout. */
  stop(): Promise<void>;
  /** Resolves when the group has applied and committed up to the topics' current end (tests, replay). */
  waitForCaughtUp(timeoutMs: number): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Fetch sizes (see start()): bounded memory with a backlog of any size. */
const FETCH_BYTES_PER_PARTITION = 64 * 1024;
const FETCH_BYTES = 1024 * 1024;

/** Items one coalesced send may carry (bounds a produce request to a few MB). */
const MAX_COALESCED_ITEMS = 20_000;

/**
 * Group commit: a call made while a send is in flight waits and goes out with the others queued
 * by then, in one request. Every caller settles with the outcome of the send that carried its
 * items. The idempotent producer sends one request at a time anyway, so without this the
 * partitions' publishes queued behind each other one request each.
 */
export function coalescing<T>(send: (items: T[]) => Promise<void>, maxItems = MAX_COALESCED_ITEMS): (items: T[]) => Promise<void> {
  const queue: Array<{ items: T[]; resolve: () => void; reject: (err: unknown) => void }> = [];
  let busy = false;
  const pump = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0) {
      const take = [queue.shift()!];
      let n = take[0]!.items.length;
      while (queue.length > 0 && n + queue[0]!.items.length <= maxItems) {
        const next = queue.shift()!;
        take.push(next);
        n += next.items.length;
      }
      try {
        await send(take.flatMap((e) => e.items));
        for (const e of take) e.resolve();
      } catch (err: unknown) {
        for (const e of take) e.reject(err);
      }
    }
    busy = false;
  };
  return (items) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!busy) void pump();
    });
}

/** Topic-message lists merged by topic (one entry per topic, in first-seen order). */
function mergeByTopic(lists: readonly TopicMessages[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages['messages']>();
  for (const t of lists) {
    const list = byTopic.get(t.topic);
    if (list) list.push(...t.messages);
    else byTopic.set(t.topic, [...t.messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

type KafkaMessage = EachBatchPayload['batch']['messages'][number];

export function createWriter(options: WriterOptions): Writer {
  const { config, store } = options;
  const logger = (options.logger ?? silentLogger()).child({ component: 'writer' });
  const registry = options.registry ?? createRegistry();
  const metrics = writerMetrics(registry);
  const kafka = options.kafka ?? createKafka({ config: config.kafka, logger, clientId: `${config.kafka.clientId}-writer` });
  const groupId = options.groupId ?? config.kafka.groupId;
  const topics = config.kafka.topics;
  const { minRetryDelayMs, maxRetryDelayMs } = config.scylla.retryPolicy;
  const lifecycle = new Lifecycle((state) => {
    for (const s of WRITER_STATES) metrics.state.set({ state: s }, s === state ? 1 : 0);
    logger.info({ state }, 'writer state');
  });

  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let dbHealthy = true;
  // Concurrent partitions' outputs and offset commits share requests (group commit).
  const sendOutputs = coalescing<TopicMessages>((lists) => producer!.sendBatch({ topicMessages: mergeByTopic(lists), acks: -1 }).then(() => undefined));
  const commitOffsets = coalescing<{ topic: string; partition: number; offset: string }>((offsets) => consumer!.commitOffsets(offsets));

  function roleOf(topic: string): TopicRole {
    return topic === topics.acks ? 'acks' : 'intents';
  }

  async function publish(messages: TopicMessages[], isLive: () => boolean): Promise<boolean> {
    if (messages.length === 0 || options.publishOutputs === false) return true;
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await sendOutputs(messages);
        metrics.publishSeconds.observe((performance.now() - started) / 1000);
        return true;
      } catch (err: unknown) {
        metrics.retries.inc({ kind: 'kafka' });
        logger.warn({ err: errText(err), attempt }, 'publishing outputs failed; retrying');
        if (!isLive()) return false;
        await sleep(backoffDelayMs(attempt, minRetryDelayMs, maxRetryDelayMs));
      }
    }
  }

  /**
   * kafkajs heartbeats only when asked; a commit that takes longer than the session timeout (a
   * loaded database, many partitions at once) would get the member evicted mid-batch. Keep the
   * membership alive while the database works; a failed heartbeat (rebalance) surfaces at the
   * next heartbeat or commit of the batch, as before.
   */
  async function withHeartbeats<T>(heartbeat: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void heartbeat().catch(() => undefined), config.writer.heartbeatIntervalMs);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  /** Applies ops, retrying transient database failures until it works or the batch is no longer ours. */
  async function applyWithRetry(ops: StoreOp[], heartbeat: () => Promise<void>, isLive: () => boolean): Promise<CommitResult | null> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        const result = await withHeartbeats(heartbeat, () => store.apply(ops));
        metrics.applySeconds.observe((performance.now() - started) / 1000);
        dbHealthy = true;
        return result;
      } catch (err: unknown) {
        if (!(isPinstateError(err) && err.canRetry)) throw err;
        dbHealthy = false;
        metrics.retries.inc({ kind: 'database' });
        logger.warn({ err: err.message, attempt, ops: ops.length }, 'database unavailable; batch paused, retrying');
        if (!isLive()) return null;
        await sleep(backoffDelayMs(attempt, minRetryDelayMs, maxRetryDelayMs));
        await heartbeat();
      }
    }
  }

  /**
   * A batch the database refuses for a reason that retrying cannot fix: apply op by op, and
   * dead-letter only the ops that still fail, so one poison message cannot stop a partition.
   */
  async function applyOneByOne(ops: StoreOp[], heartbeat: () => Promise<void>, isLive: () => boolean): Promise<{ results: CommitResult['results'][number][]; failed: Map<StoreOp, DeadLetter> } | null> {
    const results: CommitResult['results'][number][] = [];
    const failed = new Map<StoreOp, DeadLetter>();
    for (const op of ops) {
      try {
        const r = await applyWithRetry([op], heartbeat, isLive);
        if (r === null) return null;
        results.push(...r.results);
      } catch (err: unknown) {
        logger.error({ err: errText(err), opId: op.opId }, 'op cannot be applied; dead-lettering it');
        failed.set(op, { reason: isPinstateError(err) ? err.code : 'INTERNAL', message: errText(err), field: null, opId: op.opId });
      }
    }
    return { results, failed };
  }

  async function handleChunk(batch: EachBatchPayload['batch'], chunk: KafkaMessage[], payload: EachBatchPayload): Promise<boolean> {
    const isLive = (): boolean => payload.isRunning() && !payload.isStale();
    const role = roleOf(batch.topic);
    const partitions = role === 'acks' ? config.kafka.partitions.acks : config.kafka.partitions.intents;
    const ops: StoreOp[] = [];
    const raw = new Map<StoreOp, KafkaMessage>();
    const dead: Array<{ message: KafkaMessage; dead: DeadLetter }> = [];
    for (const m of chunk) {
      const rm: RawMessage = { topic: batch.topic, partition: batch.partition, offset: m.offset, value: m.value };
      const d = decodeMessage(role, rm, partitions);
      if (d.ok) {
        ops.push(d.op);
        raw.set(d.op, m);
      } else dead.push({ message: m, dead: d.dead });
    }
    metrics.batchOps.observe(ops.length);

    let results: CommitResult['results'][number][];
    try {
      const heartbeat = (): Promise<void> => payload.heartbeat();
      const r = await applyWithRetry(ops, heartbeat, isLive);
      if (r === null) return false;
      results = [...r.results];
    } catch (err: unknown) {
      logger.error({ err: errText(err), topic: batch.topic, partition: batch.partition }, 'batch refused by the database; applying op by op');
      const r = await applyOneByOne(ops, () => payload.heartbeat(), isLive);
      if (r === null) return false;
      results = r.results;
      for (const [op, d] of r.failed) dead.push({ message: raw.get(op)!, dead: d });
    }

    for (const r of results) {
      metrics.messages.inc({ topic: batch.topic, outcome: r.outcome });
      // A redelivered rejection re-sends its dead letter too: the first delivery may have died before publishing.
      if (r.outcome === 'rejected' || (r.outcome === 'redelivered' && r.event?.outcome === 'rejected')) dead.push({ message: raw.get(r.op)!, dead: rejectionDeadLetter(r) });
    }
    const out = resultMessages(results, topics);
    if (dead.length > 0) {
      out.push({
        topic: dlqTopic(config.kafka, batch.topic),
        messages: dead.map(({ message, dead: d }) => {
          metrics.dlq.inc({ topic: batch.topic, reason: d.reason });
          if (!results.some((r) => r.op.opId === d.opId && r.outcome === 'rejected')) metrics.messages.inc({ topic: batch.topic, outcome: 'dead_lettered' });
          logger.warn({ reason: d.reason, topic: batch.topic, partition: batch.partition, offset: message.offset, detail: d.message }, 'dead letter');
          return deadLetterMessage({ topic: batch.topic, partition: batch.partition, offset: message.offset, value: message.value, key: message.key }, d);
        }),
      });
    }
    if (!(await publish(out, isLive))) return false;

    const last = chunk[chunk.length - 1]!.offset;
    const next = (BigInt(last) + 1n).toString();
    const started = performance.now();
    payload.resolveOffset(last);
    await commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    metrics.commitSeconds.observe((performance.now() - started) / 1000);
    await payload.heartbeat();
    return true;
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    const size = config.writer.maxBatchOps;
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!payload.isRunning() || payload.isStale()) return;
      const ok = await handleChunk(batch, batch.messages.slice(i, i + size), payload);
      if (!ok) return;
    }
  }

  async function checkTopics(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topics.intents, topics.acks] });
      for (const t of meta.topics) {
        if (t.partitions.length !== config.kafka.partitions.intents) {
          throw new PinstateError('CONFIG_INVALID', `topic ${t.name} has ${t.partitions.length} partitions but kafka.partitions.intents is ${config.kafka.partitions.intents}`, { field: 'kafka.partitions.intents' });
        }
      }
    } catch (err: unknown) {
      if (isPinstateError(err)) throw err;
      throw new PinstateError('KAFKA_UNAVAILABLE', `cannot read topics ${topics.intents}, ${topics.acks}: ${errText(err)} (run \`pinstate topics ensure\`)`, { cause: err });
    } finally {
      await admin.disconnect();
    }
  }

  const writer: Writer = {
    get state() {
      return lifecycle.state;
    },
    ready: () => lifecycle.state === 'running' && dbHealthy,
    metrics,
    async start() {
      try {
        await checkTopics();
        producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        consumer = kafka.consumer({
          groupId,
          partitionAssigners: [CoPartitionAssigner],
          sessionTimeout: config.writer.sessionTimeoutMs,
          heartbeatInterval: config.writer.heartbeatIntervalMs,
          // A fetch is decoded whole and held until every batch in it is applied, so its size is
          // the writer's memory more than its speed: 1 MiB per partition / 16 MiB per fetch put
          // ~16k ops in flight (~7.5 KB live each, RSS 500+ MB); 64 KiB / 1 MiB keeps partition
          // batches at ~250 ops at the same throughput (docs/profiles/writer.md).
          maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
          maxBytes: FETCH_BYTES,
          readUncommitted: false,
        });
        // Shard ownership may have moved: forget cached pin_stats rows.
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          store.invalidate();
          logger.info({ memberId: e.payload.memberId, assignment: e.payload.memberAssignment }, 'joined group');
        });
        consumer.on(consumer.events.CRASH, (e) => {
          logger.error({ err: errText(e.payload.error), restart: e.payload.restart }, 'consumer crashed');
          // kafkajs restarts a consumer after retriable errors; when it will not, neither should we
          // pretend to run: fail, so the process exits and its supervisor starts a fresh one.
          if (!e.payload.restart && lifecycle.state === 'running') {
            lifecycle.to('failed');
            options.onFatal?.(e.payload.error);
          }
        });
        await consumer.connect();
        await consumer.subscribe({ topics: [topics.intents, topics.acks], fromBeginning: options.fromBeginning ?? true });
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: config.writer.partitionsConcurrently, eachBatch });
        lifecycle.to('running');
      } catch (err: unknown) {
        lifecycle.to('failed');
        await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
        throw err;
      }
    },
    async stop() {
      if (lifecycle.state === 'failed') {
        await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
        return;
      }
      if (lifecycle.state === 'stopped' || lifecycle.state === 'draining') return;
      lifecycle.to('draining');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), config.writer.drainTimeoutMs)));
      const drain = (async () => {
        await consumer?.stop();
        await consumer?.disconnect();
        await producer?.disconnect();
        return 'done' as const;
      })();
      const outcome = await Promise.race([drain, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        logger.error({ drainTimeoutMs: config.writer.drainTimeoutMs }, 'drain timed out; uncommitted messages will be redelivered');
        lifecycle.to('failed');
        await Promise.allSettled([consumer?.disconnect(), producer?.disconnect()]);
        return;
      }
      lifecycle.to('stopped');
    },
    async waitForCaughtUp(timeoutMs) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitForGroupCaughtUp(admin, groupId, [topics.intents, topics.acks], timeoutMs);
      } finally {
        await admin.disconnect();
      }
    },
  };
  return writer;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
