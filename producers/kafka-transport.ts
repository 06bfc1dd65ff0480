/**
 * The producer's only contact with kafkajs: an idempotent producer with one request in flight per
 * broker connection (so a retried batch cannot overtake the next one and per-partition order
 * holds), acks from all in-sync replicas, and Kafka's default (murmur2) partitioner so a key lands
 * where Java clients and the writer's routing check expect it (src/kafka/partitioner.ts: the same
 * partitions as kafkajs's own, at a fraction of its cost).
 */
import { type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { groupByTopic } from '../src/kafka/group-by-topic.js';
import { KeyPartitioner } from '../src/kafka/partitioner.js';
import type { OutgoingMessage } from './records.js';

/** What the SDK needs from a Kafka client; tests pass their own. */
export interface PinTransport {
  connect(): Promise<void>;
  /** Sends one batch; resolves when every message is acknowledged by all in-sync replicas. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** Groups a batch by topic, keeping each topic's messages in call order. */
export function toTopicMessages(messages: readonly OutgoingMessage[]): TopicMessages[] {
  return groupByTopic(messages, (m) => m.topic, (m): Message => ({ key: m.key, value: m.value }));
}

export function kafkaTransport(kafka: Kafka): PinTransport {
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: KeyPartitioner,
  });
  return {
    connect: () => producer.connect(),
    async send(messages) {
      await producer.sendBatch({ topicMessages: toTopicMessages(messages), acks: -1 });
    },
    disconnect: () => producer.disconnect(),
  };
}
