/** Helpers for the producer and follower integration tests: fresh topics and raw reads, against the real broker. */
import { logLevel, type Admin, type Kafka } from 'kafkajs';
import { Kafka as KafkaClient } from 'kafkajs';
import { readTopic } from '../../../src/kafka/read-topic.js';
import type { KafkaConfig } from '../../../src/config/types.js';
import { plannedTopics, ensureTopics } from '../../../src/kafka/topics.js';
import { testConfig } from '../../support/store.js';
import { kafkaBrokers, uniqueName } from '../../support/env.js';
import { sleep } from '../../../src/sleep.js';

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

/** Creates the config's topics (ensureTopics waits out a just-created topic's metadata lag). */
export async function createTopics(admin: Admin, config: KafkaConfig): Promise<void> {
  await ensureTopics(admin, config);
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
        await sleep(300);
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
  const records = await readTopic(kafka, topic, timeoutMs);
  return records
    .map((m) => ({ topic, partition: m.partition, offset: BigInt(m.offset), key: m.key === null ? null : m.key.toString('utf8'), value: m.value ?? Buffer.alloc(0) }))
    .sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}
