/** Integration-test helpers for Kafka: per-file topics and groups, raw produce, read-to-end. */
import type { Admin, Kafka } from 'kafkajs';
import { encodeAck, encodeIntent } from '../../src/codec/index.js';
import type { PinIntent, PlacementAck } from '../../src/domain/messages.js';
import type { PinstateConfig } from '../../src/config/types.js';
import { parseCid } from '../../src/domain/cid.js';
import { mhPrefixKey } from '../../src/domain/mh-prefix.js';
import { createKafka, dlqTopic } from '../../src/kafka/client.js';
import { readTopic, type TopicMessage } from '../../src/kafka/read-topic.js';
import { ensureTopics, plannedTopics } from '../../src/kafka/topics.js';
import type { StoreOp } from '../../src/store/records.js';
import { uniqueName } from './env.js';
import { freshStore, type TestKeyspace } from './store.js';

export interface TestPipeline extends TestKeyspace {
  readonly kafka: Kafka;
  readonly admin: Admin;
}

/** A fresh keyspace plus fresh topic names and group id, topics created. */
export async function freshPipeline(prefix: string, overrides: Record<string, unknown> = {}): Promise<TestPipeline> {
  const base = uniqueName(prefix);
  const ks = await freshStore(prefix, {
    ...overrides,
    kafka: {
      topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events`, peers: `${base}.peers` },
      group_id: `${base}-writer`,
      ...((overrides['kafka']) ?? {}),
    },
    writer: { drain_timeout: '20s', session_timeout: '10s', heartbeat_interval: '1s', ...((overrides['writer']) ?? {}) },
    // Its own allocator group: with the default one, every test file that runs `start` joined one
    // group, and a join waited for the other files' allocators to rejoin (or for a killed one's
    // session to expire), which once held `start` past its test's 120 s.
    allocator: { group_id: `${base}-allocator`, ...((overrides['allocator']) ?? {}) },
  });
  const kafka = createKafka({ config: ks.config.kafka });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, ks.config.kafka);
  return {
    ...ks,
    kafka,
    admin,
    async cleanup() {
      await admin.deleteTopics({ topics: plannedTopics(ks.config.kafka).map((t) => t.topic) }).catch(() => undefined);
      await admin.disconnect();
      await ks.cleanup();
    },
  };
}

/** A store op as the intent or ack a producer would have sent. */
export function toWire(op: StoreOp): { topic: 'intents' | 'acks'; value: Buffer; key: string } {
  const b = op.body;
  const cid = b.kind === 'UpsertPin' ? b.spec.cid : b.cid;
  const key = mhPrefixKey(parseCid(cid).mhPrefix);
  if (b.kind === 'AckPlacement') {
    const ack: PlacementAck = { opId: op.opId, ts: op.ts, cid: b.cid, peer: b.peer, state: b.state, error: b.error };
    return { topic: 'acks', value: encodeAck(ack), key };
  }
  const intent: PinIntent = {
    opId: op.opId,
    ts: op.ts,
    origin: op.origin,
    body: b.kind === 'UpsertPin' ? { kind: 'UpsertPin', spec: b.spec } : b.kind === 'DeletePin' ? { kind: 'DeletePin', cid: b.cid } : { kind: 'SetDesiredPlacement', cid: b.cid, peers: b.peers },
  };
  return { topic: 'intents', value: encodeIntent(intent), key };
}

/** Produces ops in order (per-key order is what Kafka keeps), in batches. */
export async function produceOps(kafka: Kafka, config: PinstateConfig, ops: readonly StoreOp[], batch = 500): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < ops.length; i += batch) {
      const wire = ops.slice(i, i + batch).map(toWire);
      const byTopic = new Map<string, Array<{ key: string; value: Buffer }>>();
      for (const w of wire) {
        const topic = w.topic === 'acks' ? config.kafka.topics.acks : config.kafka.topics.intents;
        const list = byTopic.get(topic) ?? [];
        list.push({ key: w.key, value: w.value });
        byTopic.set(topic, list);
      }
      await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Raw messages to a topic (bad-input tests). */
export async function produceRaw(kafka: Kafka, topic: string, messages: Array<{ key: string | Buffer | null; value: Buffer | null; partition?: number }>): Promise<void> {
  // Idempotent: a produce request retried after a timeout must not write the messages twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export type ReadMessage = TopicMessage;

/** Every message currently in a topic (reads up to the high watermarks seen at the start). */
export function readAll(kafka: Kafka, topic: string): Promise<ReadMessage[]> {
  return readTopic(kafka, topic, 60_000);
}

export { dlqTopic };
