/** Every message currently in a topic, read to the high watermarks seen at the start. */
import type { IHeaders, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';

export async function readTopic(kafka: Kafka, topic: string): Promise<Array<{ headers: IHeaders | undefined; value: Buffer | null }>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
  const out: Array<{ headers: IHeaders | undefined; value: Buffer | null }> = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `chaos-reader-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading ${topic} timed out`)), 120_000);
    consumer
      .run({
        eachMessage: ({ partition, message }) => {
          out.push({ headers: message.headers, value: message.value });
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
