/**
 * A placement follower: the consumer a peer runs on `pins.placements` to learn what it should pin
 * and unpin. The topic is keyed by peer id, so the follower compares each record's key with its
 * peer before decoding anything and skips the rest cheaply; its own changes reach `onChange` in
 * the order the writer published them. With `ack: true` it also plays the peer: it answers each
 * change with an AckPlacement through the producer SDK (see simulated-peer.ts).
 *
 * Delivery is at least once: offsets are committed only after `onChange` returned and the acks
 * it caused were acknowledged by the broker, so after a crash or rebalance a change may arrive
 * again. Acks keep their op ids across redeliveries, so the writer applies each once.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { decodePlacementChange } from '../../src/codec/index.js';
import type { KafkaConfig } from '../../src/config/types.js';
import type { PlacementChange } from '../../src/domain/messages.js';
import { validatePeerId } from '../../src/domain/pin.js';
import { PinstateError } from '../../src/errors.js';
import { PartLifecycle, type PartState } from '../../src/part-lifecycle.js';
import { createKafka } from '../../src/kafka/client.js';
import { waitForGroupCaughtUp } from '../../src/kafka/lag.js';
import type { Logger } from '../../src/log.js';
import { silentLogger } from '../../src/log.js';
import { createRegistry, type Registry } from '../../src/metrics.js';
import { createPinProducer, type PinProducer } from '../../producers/index.js';
import { followerMetrics, type FollowerMetrics } from './metrics.js';
import { simulatedAck } from './simulated-peer.js';

export interface FollowerOptions {
  readonly config: KafkaConfig;
  /** The peer id whose changes to deliver. */
  readonly peer: string;
  /** Called once per change for `peer`, in order; the offset is committed only after it resolves. Must be idempotent (redeliveries). */
  readonly onChange: (change: PlacementChange) => void | Promise<void>;
  /** Consumer group; default `pinstate-follower-${peer}`. */
  readonly groupId?: string;
  /** Act as a simulated peer: ack `pinned` for desired changes and `unpinned` for the others. Default false. */
  readonly ack?: boolean;
  /** Producer for the acks (must be connected by the caller, who also disconnects it). Default: the follower's own. */
  readonly producer?: PinProducer;
  /** Read from the earliest offset when the group has none. Default true: a new peer learns its whole placement. */
  readonly fromBeginning?: boolean;
  readonly kafka?: Kafka;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Messages handled between offset commits. Default 500. */
  readonly commitEvery?: number;
}

/**
 * `idle`: created. `running`: consuming. `stopping`: stop() is draining.
 * `stopped`: stopped for good. `failed`: start() failed; see the error it threw.
 */
/** The follower's lifecycle (src/part-lifecycle.ts); `starting` while it connects. */
export type FollowerState = PartState;

export interface Follower {
  readonly state: FollowerState;
  readonly groupId: string;
  readonly metrics: FollowerMetrics;
  /** Joins the group and starts delivering changes; resolves once consuming has started. */
  start(): Promise<void>;
  /** Stops fetching, lets the batch in hand finish and commit, then disconnects. */
  stop(): Promise<void>;
  /** Resolves once the group has committed everything currently on the placements topic. */
  waitForCaughtUp(timeoutMs: number): Promise<void>;
}

export function createFollower(options: FollowerOptions): Follower {
  const { config, onChange } = options;
  const peer = validatePeerId(options.peer, 'peer');
  const peerKey = Buffer.from(peer, 'utf8');
  const groupId = options.groupId ?? `pinstate-follower-${peer}`;
  const topic = config.topics.placements;
  const commitEvery = options.commitEvery ?? 500;
  const logger = (options.logger ?? silentLogger()).child({ component: 'follower', peer });
  const registry = options.registry ?? createRegistry();
  const metrics = followerMetrics(registry);
  const kafka = options.kafka ?? createKafka({ config, logger, clientId: `${config.clientId}-follower` });
  const ownsProducer = options.ack === true && options.producer === undefined;
  const producer = options.ack === true ? (options.producer ?? createPinProducer({ config, kafka, logger, registry, origin: peer })) : undefined;

  const lifecycle = new PartLifecycle('a follower');
  let consumer: Consumer | undefined;

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    let done: string | undefined;
    let handled = 0;
    let ackError: Error | undefined;
    let acks: Promise<void>[] = [];

    const commit = async (): Promise<void> => {
      // Acks were queued in order without waiting; the offset moves only once all of them are acknowledged.
      await Promise.all(acks);
      acks = [];
      if (ackError !== undefined) throw ackError;
      if (done !== undefined && !payload.isStale()) {
        payload.resolveOffset(done);
        await consumer!.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(done) + 1n).toString() }]);
        done = undefined;
      }
      handled = 0;
      await payload.heartbeat();
    };

    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      if (message.key === null || !peerKey.equals(message.key)) {
        metrics.messages.inc({ outcome: 'other_peer' });
      } else {
        const change = decode(message.value, batch.partition, message.offset);
        if (change !== null) {
          await onChange(change);
          metrics.messages.inc({ outcome: 'delivered' });
          // A slow callback must not cost the group membership (kafkajs only sends when the interval has passed).
          await payload.heartbeat();
          const reply = producer === undefined ? null : simulatedAck(change, peer);
          if (reply !== null) {
            acks.push(
              producer!.ackPlacement(change.cid, peer, reply.state, { opId: reply.opId }).then(
                () => {
                  metrics.acks.inc({ state: reply.state });
                },
                (err: unknown) => {
                  ackError ??= err instanceof Error ? err : new Error(String(err));
                },
              ),
            );
          }
        }
      }
      done = message.offset;
      handled += 1;
      if (handled >= commitEvery) await commit();
    }
    await commit();
  }

  /** The change in a record keyed by our peer, or null (logged and counted) when it cannot be one of ours. */
  function decode(value: Buffer | null, partition: number, offset: string): PlacementChange | null {
    let change: PlacementChange;
    try {
      if (value === null) throw new PinstateError('UNDECODABLE', 'empty message value');
      change = decodePlacementChange(value);
    } catch (err: unknown) {
      // The writer is the only producer of this topic; a bad record is a bug there, not a reason to stop this peer.
      metrics.messages.inc({ outcome: 'undecodable' });
      logger.error({ err: err instanceof Error ? err.message : String(err), partition, offset }, 'undecodable placement change skipped');
      return null;
    }
    if (change.peer !== peer) {
      metrics.messages.inc({ outcome: 'mismatched_key' });
      logger.error({ partition, offset, valuePeer: change.peer }, 'placement change keyed by this peer names another; skipped');
      return null;
    }
    return change;
  }

  return {
    get state() {
      return lifecycle.state;
    },
    groupId,
    metrics,
    async start() {
      await lifecycle.start(
        async () => {
          if (ownsProducer) await producer!.connect();
          consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
          consumer.on(consumer.events.CRASH, (e) => {
            logger.error({ err: e.payload.error.message, restart: e.payload.restart }, 'follower consumer crashed');
          });
          await consumer.connect();
          await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning ?? true });
          await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
          lifecycle.running();
          logger.info({ topic, groupId, ack: producer !== undefined }, 'follower running');
        },
        () => Promise.allSettled([consumer?.disconnect(), ownsProducer ? producer!.disconnect() : undefined]),
      );
    },
    async stop() {
      await lifecycle.stop(async () => {
        try {
          await consumer!.stop();
          await consumer!.disconnect();
        } finally {
          if (ownsProducer) await producer!.disconnect();
        }
      });
    },
    async waitForCaughtUp(timeoutMs) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await waitForGroupCaughtUp(admin, groupId, [topic], timeoutMs);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
