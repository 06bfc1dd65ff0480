/**
 * Replay: re-apply the intents and acks logs into another keyspace (a new cluster, a rebuild after
 * a schema change) with the writer itself, under a consumer group of its own and with its outputs
 * off — the live events and placements topics get no second copy. Same ops, same op ids, same
 * deterministic write times: the new keyspace ends up with the rows the live one has (for the
 * part of the log still retained; see docs/migration.md on retention).
 */
import type { KafkaAdmin as Admin, Kafka } from '../kafka/client.js';
import { createWriter, type Writer } from '../../consumers/writer/writer.js';
import type { PinstateConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import { topicOffsets } from '../kafka/offsets.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { createRegistry, writerMetrics } from '../metrics.js';
import { applySchema } from '../store/migrate.js';
import { createStore } from '../store/store.js';
import { setReplayStart, type ReplayStart } from './replay-start.js';
import { sleep } from '../sleep.js';

export interface ReplayOptions {
  readonly config: PinstateConfig;
  /** The keyspace to fill; created (schema applied) if missing. Must not be the live one. */
  readonly keyspace: string;
  /** Default `pinstate-replay-<keyspace>`. */
  readonly groupId?: string;
  readonly start: ReplayStart;
  /** Stop once the group has committed past the end offsets seen at the start. Otherwise run until `signal`. */
  readonly untilCaughtUp?: boolean;
  readonly signal?: AbortSignal;
  readonly kafka?: Kafka;
  readonly logger?: Logger;
  readonly onProgress?: (p: { done: number; total: number; lag: number }) => void;
  /** Poll interval of the progress/caught-up check, ms. Default 1000. */
  readonly pollMs?: number;
}

export interface ReplayReport {
  readonly keyspace: string;
  readonly groupId: string;
  /** Messages handled, by outcome. */
  readonly messages: number;
  readonly applied: number;
  readonly deduplicated: number;
  readonly redelivered: number;
  readonly rejected: number;
  /** Undecodable or unappliable messages (the live writer dead-lettered them; replay only counts). */
  readonly deadLettered: number;
  readonly caughtUp: boolean;
  readonly seconds: number;
  readonly messagesPerSecond: number;
}

export function defaultReplayGroup(keyspace: string): string {
  return `pinstate-replay-${keyspace}`;
}

type Offsets = Map<string, bigint>;
const key = (topic: string, partition: number): string => `${topic}:${partition}`;

/** The group's committed offset per partition of `topics` (the low watermark where it has none). */
async function committedOffsets(admin: Admin, groupId: string, topics: readonly string[]): Promise<Offsets> {
  const out: Offsets = new Map();
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const topic of topics) {
    for (const e of await topicOffsets(admin, topic)) {
      const c = committed.find((t) => t.topic === topic)?.partitions.find((x) => x.partition === e.partition)?.offset ?? '-1';
      out.set(key(topic, e.partition), BigInt(c === '-1' ? e.low : c));
    }
  }
  return out;
}

async function endOffsets(admin: Admin, topic: string): Promise<Offsets> {
  return new Map((await topicOffsets(admin, topic)).map((e) => [key(topic, e.partition), BigInt(e.high)]));
}

async function setOffsets(admin: Admin, groupId: string, topic: string, offsets: Offsets): Promise<void> {
  const partitions = [...offsets].filter(([k]) => k.startsWith(`${topic}:`)).map(([k, o]) => ({ partition: Number(k.slice(topic.length + 1)), offset: o.toString() }));
  await admin.setOffsets({ groupId, topic, partitions });
}

const lagOf = (targets: Offsets, at: Offsets): bigint => [...targets].reduce((n, [k, end]) => n + (end > (at.get(k) ?? 0n) ? end - (at.get(k) ?? 0n) : 0n), 0n);

/**
 * Runs the replay in two stages with the same writer code: the intents log first (the acks
 * topic's offsets parked at its end), then the acks log. Consuming both at once would apply a
 * small acks log ahead of the intents its acks refer to (the writer reads the two topics
 * independently); the live writer saw them the other way round, because a peer acks only after
 * the placement change that the intent caused.
 */
export async function runReplay(options: ReplayOptions): Promise<ReplayReport> {
  const { config, keyspace } = options;
  const logger = (options.logger ?? silentLogger()).child({ component: 'replay', keyspace });
  const groupId = options.groupId ?? defaultReplayGroup(keyspace);
  if (keyspace === config.scylla.keyspace) throw new PinstateError('INVALID_FIELD', `--keyspace ${keyspace} is the live keyspace (scylladb.keyspace); replay into another one`, { field: '--keyspace' });
  if (groupId === config.kafka.groupId) throw new PinstateError('INVALID_FIELD', `--group ${groupId} is the live writer's group (kafka.group_id); use another`, { field: '--group' });
  const started = performance.now();
  const { intents, acks } = config.kafka.topics;

  await applySchema({ config: config.scylla, keyspace, logger });
  const kafka = options.kafka ?? createKafka({ config: config.kafka, logger, clientId: `${config.kafka.clientId}-replay` });
  const admin = kafka.admin();
  await admin.connect();
  const store = await createStore({ config: config.scylla, keyspace, logger });
  const registry = createRegistry();
  let caughtUp = false;
  let writer: Writer | undefined;
  try {
    await setReplayStart(admin, groupId, { intents, acks }, options.start);
    const start = await committedOffsets(admin, groupId, [intents, acks]);
    // "Caught up" means past each partition's end as seen now: a live topic keeps growing.
    const targets = new Map([...(await endOffsets(admin, intents)), ...(await endOffsets(admin, acks))]);
    const total = lagOf(targets, start);
    logger.info({ groupId, messages: Number(total) }, 'replay starting');
    const ackStart = new Map([...start].filter(([k]) => k.startsWith(`${acks}:`)));
    const ackEnd = new Map([...targets].filter(([k]) => k.startsWith(`${acks}:`)));

    for (const stage of ['intents', 'acks'] as const) {
      if (stage === 'intents') await setOffsets(admin, groupId, acks, ackEnd);
      else await setOffsets(admin, groupId, acks, ackStart);
      const stageTargets = new Map([...targets].filter(([k]) => (stage === 'intents' ? !k.startsWith(`${acks}:`) : true)));
      // Nothing to replay in this stage: skip the group join (a live replay keeps its last stage running).
      if (lagOf(stageTargets, await committedOffsets(admin, groupId, [intents, acks])) === 0n && (stage === 'intents' || options.untilCaughtUp)) {
        if (stage === 'acks') caughtUp = true;
        continue;
      }
      writer = createWriter({ config, store, kafka, logger, registry, groupId, fromBeginning: true, publishOutputs: false });
      await writer.start();
      let stageDone = false;
      for (;;) {
        const at = await committedOffsets(admin, groupId, [intents, acks]);
        // While intents replay, the acks still to come count as not done.
        const pending = stage === 'intents' ? lagOf(ackEnd, ackStart) : 0n;
        const lag = lagOf(stageTargets, at) + pending;
        options.onProgress?.({ done: Number(total > lag ? total - lag : 0n), total: Number(total), lag: Number(lag) });
        stageDone = lagOf(stageTargets, at) === 0n;
        if (options.signal?.aborted || (stageDone && (stage === 'intents' || options.untilCaughtUp))) break;
        if (writer.state === 'failed') throw new PinstateError('INTERNAL', 'the replay writer failed; see the log');
        await sleep(options.pollMs ?? 1000);
      }
      await writer.stop();
      writer = undefined;
      if (stage === 'acks') caughtUp = stageDone;
      if (options.signal?.aborted) break;
    }
  } finally {
    await writer?.stop().catch(() => undefined);
    await store.close();
    await admin.disconnect();
  }
  const counts = new Map<string, number>();
  for (const v of (await writerMetrics(registry).messages.get()).values) {
    const outcome = String(v.labels['outcome']);
    counts.set(outcome, (counts.get(outcome) ?? 0) + v.value);
  }
  const n = (k: string): number => counts.get(k) ?? 0;
  const messages = [...counts.values()].reduce((a, b) => a + b, 0);
  const seconds = (performance.now() - started) / 1000;
  return {
    keyspace,
    groupId,
    messages,
    applied: n('applied'),
    deduplicated: n('duplicate'),
    redelivered: n('redelivered'),
    rejected: n('rejected'),
    deadLettered: n('dead_lettered'),
    caughtUp,
    seconds,
    messagesPerSecond: seconds > 0 ? messages / seconds : 0,
  };
}
