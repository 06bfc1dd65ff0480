/**
 * Every message currently in a topic: reads each partition up to the high watermark seen at the
 * start, with a throwaway consumer group. For verification tools and tests (chaos verdicts,
 * event and dead-letter checks), not for the hot path.
 */
import type { Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { topicOffsets } from './offsets.js';

export interface TopicMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header values as strings. */
  readonly headers: Record<string, string>;
}

export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 120_000): Promise<TopicMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await topicOffsets(admin, topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
  const out: TopicMessage[] = [];
  if (remaining.size === 0) return out;
  const groupId = `pinstate-reader-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out with ${remaining.size} partitions left`)), timeoutMs);
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            const end = remaining.get(partition);
            // Only what was there at the start: later records belong to a later read.
            if (end === undefined || BigInt(message.offset) >= end) return Promise.resolve();
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
            out.push({ partition, offset: message.offset, key: message.key, value: message.value, headers });
            if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
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
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return out;
}
