/**
 * The writer: a consumer group over pins.intents and pins.acks that applies each batch through
 * the store and only then publishes its events, placement changes and dead letters and commits
 * the batch's offsets. At-least-once delivery + deterministic, deduplicated writes = exactly-once
 * effects. A slow or unavailable database blocks the partition's batch (consumption pauses);
 * nothing accumulates in memory beyond the fetched batches.
 *
 * This file is the lifecycle only: the per-chunk policy is chunk-processor.ts, the error policy
 * error-policy.ts, the kafkajs side kafka-group.ts.
 */
import type { Kafka } from 'kafkajs';
import type { PinstateConfig } from '../../src/config/types.js';
import { createKafka, dlqTopic } from '../../src/kafka/client.js';
import { waitForGroupCaughtUp } from '../../src/kafka/lag.js';
import type { Logger } from '../../src/log.js';
import { silentLogger } from '../../src/log.js';
import { createRegistry, writerMetrics, type Registry, type WriterMetrics } from '../../src/metrics.js';
import type { PinStore } from '../../src/store/store.js';
import { ChunkProcessor } from './chunk-processor.js';
import { checkTopics, createKafkaGroup, type KafkaGroup } from './kafka-group.js';
import { Lifecycle, WRITER_STATES, type WriterState } from './lifecycle.js';
import { exponentialBackoff } from '../../src/retry.js';

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
  /** True while running and the last database call and the last publish succeeded. */
  ready(): boolean;
  /** Why ready() is false, for /readyz (undefined when ready). */
  notReadyReason(): string | undefined;
  readonly metrics: WriterMetrics;
  start(): Promise<void>;
  /** Graceful stop: no new fetches, in-flight batches finish and commit, bounded by writer.drain_timeout. */
  stop(): Promise<void>;
  /** Resolves when the group has applied and committed up to the topics' current end (tests, replay). */
  waitForCaughtUp(timeoutMs: number): Promise<void>;
}

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

  const processor = new ChunkProcessor({
    backoff: exponentialBackoff(minRetryDelayMs, maxRetryDelayMs),
    metrics,
    logger,
    roleOf: (topic) => (topic === topics.acks ? 'acks' : 'intents'),
    partitionsOf: (topic) => (topic === topics.acks ? config.kafka.partitions.acks : config.kafka.partitions.intents),
    dlqTopicOf: (topic) => dlqTopic(config.kafka, topic),
    outputTopics: topics,
    publishOutputs: options.publishOutputs !== false,
    heartbeatIntervalMs: config.writer.heartbeatIntervalMs,
  });
  let group: KafkaGroup | undefined;

  /** The consumer or a chunk failed for good: stop pretending to run, so the process exits and its supervisor starts a fresh one. */
  function fail(err: Error): void {
    if (lifecycle.state !== 'running' && lifecycle.state !== 'draining') return;
    logger.error({ err: err.message }, 'writer failed; nothing further is committed');
    lifecycle.to('failed');
    options.onFatal?.(err);
  }

  function notReadyReason(): string | undefined {
    if (lifecycle.state !== 'running') return `writer is ${lifecycle.state}`;
    const h = processor.health();
    if (!h.database) return 'the last database write failed; retrying';
    if (!h.publish) return 'the last publish of outputs failed; retrying';
    return undefined;
  }

  const writer: Writer = {
    get state() {
      return lifecycle.state;
    },
    ready: () => notReadyReason() === undefined,
    notReadyReason,
    metrics,
    async start() {
      try {
        const maxBytes = await checkTopics(kafka, config.kafka.partitions.intents, [topics.intents, topics.acks], [topics.events, topics.placements, dlqTopic(config.kafka, topics.intents), dlqTopic(config.kafka, topics.acks)]);
        const g = createKafkaGroup({
          kafka,
          groupId,
          topics: [topics.intents, topics.acks],
          fromBeginning: options.fromBeginning ?? true,
          sessionTimeoutMs: config.writer.sessionTimeoutMs,
          heartbeatIntervalMs: config.writer.heartbeatIntervalMs,
          partitionsConcurrently: config.writer.partitionsConcurrently,
          maxBatchOps: config.writer.maxBatchOps,
          jointCommit: config.writer.jointCommit,
          maxMessageBytes: maxBytes,
          logger,
          // Shard ownership may have moved: forget cached pin_stats rows.
          onJoin: () => store.invalidate(),
          onCrash: (err) => fail(err),
          onBatch: (topic, partition, lag, firstAgeMs) => {
            metrics.lag.set({ topic, partition: String(partition) }, lag);
            // Time the oldest op of the batch waited in Kafka: produce → fetch, the first leg of latency.
            if (firstAgeMs !== null && Number.isFinite(firstAgeMs)) metrics.fetchAgeSeconds.observe(Math.max(0, firstAgeMs) / 1000);
          },
        });
        group = g;
        const apply = (ops: Parameters<PinStore['apply']>[0], beforeSend: () => void): ReturnType<PinStore['apply']> => store.apply(ops, { beforeSend });
        await g.start((items) => processor.processGroupAsync(items.map(({ chunk, consumer }) => ({ chunk, ports: { ...consumer, apply } }))), (err) => fail(err));
        lifecycle.to('running');
      } catch (err: unknown) {
        lifecycle.to('failed');
        await group?.close();
        throw err;
      }
    },
    async stop() {
      if (lifecycle.state === 'failed') {
        await group?.close();
        return;
      }
      if (lifecycle.state === 'stopped' || lifecycle.state === 'draining') return;
      lifecycle.to('draining');
      const stillDraining = (): boolean => lifecycle.state === 'draining';
      const clean = (await group?.drain(config.writer.drainTimeoutMs)) ?? true;
      if (!clean) {
        logger.error({ drainTimeoutMs: config.writer.drainTimeoutMs }, 'drain timed out; uncommitted messages will be redelivered');
        if (stillDraining()) lifecycle.to('failed');
        await group?.close();
        return;
      }
      if (stillDraining()) lifecycle.to('stopped');
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
