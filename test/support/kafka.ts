/** Integration-test helpers for Kafka: per-file topics and groups, raw produce, read-to-end. */
import type { Admin, Kafka } from 'kafkajs';
import { encodeAck, encodeIntent } from '../../src/codec/index.js';
import type { PinIntent, PlacementAck } from '../../src/domain/messages.js';
import type { PinstateConfig } from '../../src/config/types.js';
import { parseCid } from '../../src/domain/cid.js';
import { mhPrefixKey } from '../../src/domain/mh-prefix.js';
import { createKafka, dlqTopic } from '../../src/kafka/client.js';
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
      topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events` },
      group_id: `${base}-writer`,
      ...((overrides['kafka']) ?? {}),
    },
    writer: { drain_timeout: '20s', session_timeout: '10s', heartbeat_interval: '1s', ...((overrides['writer']) ?? {}) },
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
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** Every message currently in a topic (reads up to the high watermarks seen at the start). */
export async function readAll(kafka: Kafka, topic: string): Promise<ReadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
  const out: ReadMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`readAll(${topic}) timed out with ${remaining.size} partitions left`)), 60_000);
    consumer
      .run({
        eachMessage: ({ partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
          out.push({ partition, offset: message.offset, key: message.key, value: message.value, headers });
          const end = remaining.get(partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

export { dlqTopic };
