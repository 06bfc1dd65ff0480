/**
 * A topic's low and high watermarks per partition, waiting out a new partition's first moments.
 *
 * kafkajs's `admin.fetchTopicOffsets` retries only UNKNOWN_TOPIC_OR_PARTITION; it gives up at once
 * on NOT_LEADER_FOR_PARTITION or LEADER_NOT_AVAILABLE, which a broker answers to ListOffsets for a
 * little while after a topic is created or a leader moves. Seen in CI: `pinstate start` right after
 * its topics were created exited with "This server is not the leader for that topic-partition" from
 * the peer registry's first read. Every caller that needs the watermarks goes through here.
 */
import type { Admin } from 'kafkajs';
import { retry } from '../retry.js';
import { classifyKafkaError } from './errors.js';

export interface PartitionOffsets {
  readonly partition: number;
  /** Log start offset (string, as kafkajs gives it). */
  readonly low: string;
  /** High watermark: the offset the next record will get. */
  readonly high: string;
  readonly offset: string;
}

/** Retries retriable Kafka errors (classifyKafkaError) for up to `timeoutMs`, then rethrows the last one. */
export async function topicOffsets(admin: Admin, topic: string, timeoutMs = 30_000): Promise<PartitionOffsets[]> {
  const deadline = Date.now() + timeoutMs;
  return retry(() => admin.fetchTopicOffsets(topic), {
    retries: Number.MAX_SAFE_INTEGER,
    minDelayMs: 100,
    maxDelayMs: 1_000,
    shouldRetry: (err) => classifyKafkaError(err) === 'retriable' && Date.now() < deadline,
  });
}
