/** Chaos run plumbing: a fresh keyspace and topics per scenario, publishing with retries, waiting. */
import type { Admin, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/index.js';
import type { PinstateConfig } from '../../src/config/types.js';
import type { PinIntent } from '../../src/domain/messages.js';
import { createKafka } from '../../src/kafka/client.js';
import { groupLag } from '../../src/kafka/lag.js';
import { ensureTopics, plannedTopics } from '../../src/kafka/topics.js';
import { applySchema } from '../../src/store/migrate.js';
import type { StoreOp } from '../../src/store/records.js';
import { openSession } from '../../src/store/session.js';
import { createStore, type PinStore } from '../../src/store/store.js';
import { createPinProducer, type PinProducer } from '../../producers/index.js';

import { sleep } from '../../src/sleep.js';

export interface Run {
  readonly config: PinstateConfig;
  readonly store: PinStore;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: PinProducer;
  cleanup(keep: boolean): Promise<void>;
}

export async function setupRun(scenario: string): Promise<Run> {
  const name = `chaos_${scenario.replace(/[^a-z]/g, '')}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const config = loadConfig({
    overrides: {
      log_level: 'info',
      scylladb: {
        keyspace: name,
        peer_bucket_bits: 4,
        stats_shards: 8,
        ttl_shards: 8,
        retry_policy: { num_retries: 3, min_retry_delay: '100ms', max_retry_delay: '2s' },
        timeout: '5s',
      },
      kafka: {
        topics: { intents: `${name}.intents`, acks: `${name}.acks`, placements: `${name}.placements`, events: `${name}.events` },
        partitions: { intents: 8, acks: 8, placements: 4, events: 4 },
        group_id: `${name}-writer`,
      },
      writer: { max_batch_ops: 200, drain_timeout: '20s', session_timeout: '10s', heartbeat_interval: '1s' },
    },
  });
  await applySchema({ config: config.scylla });
  const store = await createStore({ config: config.scylla });
  const kafka = createKafka({ config: config.kafka });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, config.kafka);
  const producer = createPinProducer({ config: config.kafka, origin: 'chaos', lingerMs: 2 });
  await producer.connect();
  return {
    config,
    store,
    kafka,
    admin,
    producer,
    async cleanup(keep) {
      await producer.disconnect().catch(() => undefined);
      if (!keep) await admin.deleteTopics({ topics: plannedTopics(config.kafka).map((t) => t.topic) }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await store.close();
      if (!keep) {
        const s = await openSession({ config: config.scylla });
        await s.executeDdl(`DROP KEYSPACE IF EXISTS ${name}`).catch(() => undefined);
        await s.shutdown();
      }
    },
  };
}

export function toIntent(op: StoreOp): PinIntent {
  const b = op.body;
  if (b.kind === 'AckPlacement') throw new Error('acks are not intents');
  const body =
    b.kind === 'UpsertPin'
      ? { kind: 'UpsertPin' as const, spec: b.spec }
      : b.kind === 'DeletePin'
        ? { kind: 'DeletePin' as const, cid: b.cid, ...(b.expiredAt === undefined ? {} : { expiredAt: b.expiredAt }) }
        : { kind: 'SetDesiredPlacement' as const, cid: b.cid, peers: b.peers };
  return { opId: op.opId, ts: op.ts, origin: op.origin, body };
}

/**
 * Publishes ops in order, `batch` at a time, `pauseMs` between batches (so faults land mid-stream).
 * A failed batch (broker down) is retried with the same op ids until it goes through.
 */
export async function publish(producer: PinProducer, ops: readonly StoreOp[], options: { batch: number; pauseMs: number }): Promise<number> {
  let sent = 0;
  for (let i = 0; i < ops.length; i += options.batch) {
    const chunk = ops.slice(i, i + options.batch);
    for (let attempt = 0; ; attempt++) {
      try {
        const intents = chunk.filter((op) => op.body.kind !== 'AckPlacement');
        if (intents.length > 0) await producer.publishIntents(intents.map(toIntent));
        await Promise.all(
          chunk.flatMap((op) =>
            op.body.kind === 'AckPlacement'
              ? [producer.ackPlacement(op.body.cid, op.body.peer, op.body.state, { opId: op.opId, ts: op.ts, error: op.body.error })]
              : [],
          ),
        );
        break;
      } catch (err: unknown) {
        if (attempt > 600) throw err;
        await sleep(500);
      }
    }
    sent += chunk.length;
    if (options.pauseMs > 0) await sleep(options.pauseMs);
  }
  return sent;
}

/** Waits until the writer group has committed everything in the intents and acks topics. */
export async function caughtUp(run: Run, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const topics = [run.config.kafka.topics.intents, run.config.kafka.topics.acks];
  for (;;) {
    try {
      const lag = await groupLag(run.admin, run.config.kafka.groupId, topics);
      if (lag.every((p) => p.lag === 0n)) return;
    } catch {
      // Broker briefly away (a fault in progress): ask again.
    }
    if (Date.now() > deadline) throw new Error(`writer group not caught up after ${timeoutMs} ms`);
    await sleep(500);
  }
}
