/**
 * `pinstate topics ensure`: creates pinstate's topics when missing and checks the ones that exist.
 * The intents and acks topics must have the same partition count (the writer co-assigns
 * partition i of both to one member, and pin_stats shards follow partitions).
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import { dlqTopic } from './client.js';
import { sleep } from '../sleep.js';

export interface TopicPlan {
  readonly topic: string;
  readonly partitions: number;
  readonly purpose: string;
  /** Log-compacted: only the newest value per key is kept (the peer registry's topic). */
  readonly compacted?: boolean;
}

export function plannedTopics(config: KafkaConfig): TopicPlan[] {
  const t = config.topics;
  return [
    { topic: t.intents, partitions: config.partitions.intents, purpose: 'pin intents (key = mh_prefix)' },
    { topic: t.acks, partitions: config.partitions.acks, purpose: 'placement acks (key = mh_prefix)' },
    { topic: t.placements, partitions: config.partitions.placements, purpose: 'placement changes (key = peer id)' },
    { topic: t.events, partitions: config.partitions.events, purpose: 'audit events (key = mh_prefix)' },
    { topic: t.peers, partitions: config.partitions.peers, purpose: 'peer heartbeats (key = peer id, compacted)', compacted: true },
    { topic: dlqTopic(config, t.intents), partitions: Math.min(8, config.partitions.intents), purpose: 'dead letters of pins.intents' },
    { topic: dlqTopic(config, t.acks), partitions: Math.min(8, config.partitions.acks), purpose: 'dead letters of pins.acks' },
  ];
}

export interface EnsureReport {
  readonly created: string[];
  readonly existing: Array<{ topic: string; partitions: number }>;
}

/** Creates missing topics; fails if an existing intents/acks topic has the wrong partition count. */
export async function ensureTopics(admin: Admin, config: KafkaConfig): Promise<EnsureReport> {
  const plans = plannedTopics(config);
  const existingNames = new Set(await admin.listTopics());
  const missing = plans.filter((p) => !existingNames.has(p.topic));
  const minIsr = config.replicationFactor >= 3 ? 2 : 1;
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((p) => ({
      topic: p.topic,
      numPartitions: p.partitions,
      replicationFactor: config.replicationFactor,
      configEntries: [
        { name: 'min.insync.replicas', value: String(minIsr) },
        ...(p.compacted === true ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
      ],
    }));
    // Not waitForLeaders: kafkajs's wait retries only LEADER_NOT_AVAILABLE, and a just-created
    // topic can also answer UNKNOWN_TOPIC_OR_PARTITION for a moment; waitForMetadata waits out both.
    await admin.createTopics({ topics, waitForLeaders: false });
    await waitForMetadata(admin, missing.map((m) => m.topic));
  }
  const present = plans.filter((p) => existingNames.has(p.topic));
  const existing: Array<{ topic: string; partitions: number }> = [];
  if (present.length > 0) {
    const meta = await admin.fetchTopicMetadata({ topics: present.map((p) => p.topic) });
    for (const t of meta.topics) existing.push({ topic: t.name, partitions: t.partitions.length });
  }
  for (const name of [config.topics.intents, config.topics.acks]) {
    const found = existing.find((e) => e.topic === name);
    if (found && found.partitions !== config.partitions.intents) {
      throw new PinstateError(
        'CONFIG_INVALID',
        `topic ${name} has ${found.partitions} partitions but kafka.partitions.intents is ${config.partitions.intents}; intents and acks must match it (pin_stats shards follow partitions)`,
        { field: 'kafka.partitions.intents' },
      );
    }
  }
  return { created: missing.map((m) => m.topic), existing };
}

/**
 * A just-created topic can answer "This server does not host this topic-partition" for a moment
 * (kafkajs's waitForLeaders only waits out LEADER_NOT_AVAILABLE): poll metadata until every
 * partition has a leader, bounded.
 */
export async function waitForMetadata(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err: unknown) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new PinstateError('KAFKA_UNAVAILABLE', `topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    await sleep(100);
  }
}
