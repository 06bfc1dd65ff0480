/**
 * Where each benchmark mode writes: its own fresh keyspace, topic set and consumer group, named
 * after the run (`bench_<time>_<random>_<mode>`), created before and dropped after the run.
 */
import { randomBytes } from 'node:crypto';
import type { PinstateConfig } from '../config/types.js';
import { createKafka } from '../kafka/client.js';
import { ensureTopics, plannedTopics } from '../kafka/topics.js';
import type { Logger } from '../log.js';
import { applySchema } from '../store/migrate.js';
import { openSession } from '../store/session.js';

export const TARGET_NAMES = ['ceiling', 'sweep', 'pipeline', 'naive', 'scale'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** One mode's keyspace + topics + group, as a full config. */
export interface Target {
  readonly name: TargetName;
  readonly config: PinstateConfig;
  /** Consumer groups created for this target (deleted at cleanup). */
  readonly groups: string[];
}

/** A unique run id, valid inside keyspace, topic and group names. */
export function newRunId(now = Date.now()): string {
  return `bench_${now.toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** `base` pointed at the target's keyspace, topics and group. Pure. */
export function targetConfig(base: PinstateConfig, runId: string, name: TargetName): PinstateConfig {
  const prefix = `${runId}.${name}`;
  return {
    ...base,
    scylla: { ...base.scylla, keyspace: `${runId}_${name}` },
    kafka: {
      ...base.kafka,
      topics: { ...base.kafka.topics, intents: `${prefix}.intents`, acks: `${prefix}.acks`, placements: `${prefix}.placements`, events: `${prefix}.events` },
      groupId: `${prefix}.writer`,
    },
  };
}

/** Creates the keyspace (and, with `topics`, the topic set) of a target. */
export async function createTarget(base: PinstateConfig, runId: string, name: TargetName, options: { topics: boolean; logger: Logger }): Promise<Target> {
  const config = targetConfig(base, runId, name);
  await applySchema({ config: config.scylla, logger: options.logger });
  if (options.topics) {
    const admin = createKafka({ config: config.kafka, logger: options.logger }).admin();
    await admin.connect();
    try {
      await ensureTopics(admin, config.kafka);
    } finally {
      await admin.disconnect();
    }
  }
  return { name, config, groups: options.topics ? [config.kafka.groupId] : [] };
}

/** Drops a target's keyspace, topics and groups; failures are reported, not thrown. */
export async function dropTarget(target: Target, logger: Logger): Promise<string[]> {
  const problems: string[] = [];
  const session = await openSession({ config: target.config.scylla, logger });
  try {
    await session.executeDdl(`DROP KEYSPACE IF EXISTS ${target.config.scylla.keyspace}`);
  } catch (err: unknown) {
    problems.push(`drop keyspace ${target.config.scylla.keyspace}: ${String(err)}`);
  } finally {
    await session.shutdown();
  }
  if (target.groups.length > 0) {
    const admin = createKafka({ config: target.config.kafka, logger }).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = plannedTopics(target.config.kafka).map((t) => t.topic).filter((t) => existing.has(t));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch((err: unknown) => problems.push(`delete topics: ${String(err)}`));
      const known = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const groups = target.groups.filter((g) => known.has(g));
      if (groups.length > 0) await admin.deleteGroups(groups).catch((err: unknown) => problems.push(`delete groups: ${String(err)}`));
    } finally {
      await admin.disconnect();
    }
  }
  return problems;
}
