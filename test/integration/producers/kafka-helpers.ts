/** Helpers for the producer and follower integration tests: fresh topics and raw reads, against the real broker. */
import { logLevel, type Admin, type Kafka } from 'kafkajs';
import { Kafka as KafkaClient } from 'kafkajs';
import type { KafkaConfig } from '../../../src/config/types.js';
import { plannedTopics, ensureTopics } from '../../../src/kafka/topics.js';
import { testConfig } from '../../support/store.js';
import { kafkaBrokers, uniqueName } from '../../support/env.js';

/** A Kafka config whose topic names are fresh for this test file. */
export function freshKafkaConfig(prefix: string): KafkaConfig {
  return testConfig({
    kafka: {
      topics: {
        intents: uniqueName(`${prefix}_in`),
        acks: uniqueName(`${prefix}_ack`),
        placements: uniqueName(`${prefix}_pl`),
        events: uniqueName(`${prefix}_ev`),
      },
    },
  }).kafka;
}

/** A raw kafkajs client for reading what the code under test wrote (quiet logs). */
export function rawKafka(): Kafka {
  return new KafkaClient({ clientId: 'pinstate-test-raw', brokers: kafkaBrokers(), logLevel: logLevel.WARN });
}

/**
 * ensureTopics, retried while the broker still answers UNKNOWN_TOPIC_OR_PARTITION for topics it
 * has just created: kafkajs's createTopics({ waitForLeaders }) retries only LEADER_NOT_AVAILABLE,
 * and with another test file creating topics at the same moment the metadata can lag behind.
 * Safe to repeat: ensureTopics creates only what is missing.
 */
export async function createTopics(admin: Admin, config: KafkaConfig): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ensureTopics(admin, config);
      return;
    } catch (err: unknown) {
      const type = (err as { type?: unknown }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Deletes the config's topics (and groups). Each name is tried even if listTopics lags behind a fresh creation. */
export async function deleteTopics(admin: Admin, config: KafkaConfig, groups: readonly string[] = []): Promise<void> {
  const names = plannedTopics(config).map((p) => p.topic);
  const failures: string[] = [];
  for (const topic of names) {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.deleteTopics({ topics: [topic] });
        break;
      } catch (err: unknown) {
        const text = err instanceof Error ? `${err.message} ${JSON.stringify(err)}` : String(err);
        // Never created (a failed set-up): nothing to clean.
        if (/UNKNOWN_TOPIC_OR_PARTITION|does not host this topic/.test(text) && attempt >= 2) break;
        if (attempt >= 5) {
          failures.push(`${topic}: ${text}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }
  if (groups.length > 0) await admin.deleteGroups([...groups]).catch(() => undefined);
  if (failures.length > 0) throw new Error(`could not delete test topics: ${failures.join('; ')}`);
}

export interface RawRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  readonly value: Buffer;
}

/**
 * Every record currently in `topic`, read with a plain consumer group from the beginning up to the
 * end offsets at call time, sorted by (partition, offset).
 */
export async function readAll(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<RawRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
  const expected = ends.reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
  const out: RawRecord[] = [];
  if (expected === 0) return out;
  const groupId = uniqueName('raw_reader');
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${expected} records of ${topic} in ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: ({ topic: t, partition, message }) => {
            const offset = BigInt(message.offset);
            const end = remaining.get(partition);
            if (end === undefined || offset >= end) return Promise.resolve();
            out.push({ topic: t, partition, offset, key: message.key === null ? null : message.key.toString('utf8'), value: message.value ?? Buffer.alloc(0) });
            if (offset === end - 1n) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    await admin2.deleteGroups([groupId]).catch(() => undefined);
    await admin2.disconnect();
  }
  return out.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}
