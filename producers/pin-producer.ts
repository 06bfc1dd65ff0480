/**
 * The producer SDK: what a cluster node (and the importer, replay and the TTL sweeper) calls to
 * publish pin intents and placement acks. Each call validates its input, gets an op id, is keyed
 * by its CID's mh_prefix (so every op on a CID shares one partition and keeps its order) and
 * resolves with the op id once the broker acknowledged it (acks=all, idempotent producer).
 * Concurrent calls are batched by the send queue; a full queue makes callers wait.
 */
import type { Kafka } from 'kafkajs';
import type { KafkaConfig } from '../src/config/types.js';
import type { PinIntent } from '../src/domain/messages.js';
import type { PinSpecInput } from '../src/domain/pin.js';
import type { PlacementState } from '../src/domain/placement-state.js';
import { PinstateError, ValidationError } from '../src/errors.js';
import { createKafka } from '../src/kafka/client.js';
import type { Logger } from '../src/log.js';
import { silentLogger } from '../src/log.js';
import { createRegistry, type Registry } from '../src/metrics.js';
import { kafkaTransport, type PinTransport } from './kafka-transport.js';
import { producerMetrics, type ProducerMetrics } from './metrics.js';
import { newOpId } from './op-id.js';
import {
  ackRecord,
  deleteRecord,
  intentRecord,
  placementRecord,
  upsertRecord,
  validateIntent,
  validateOrigin,
  outgoingBytes,
  type AckOptions,
  type BuiltRecord,
  type DeleteOptions,
  type OpOptions,
  type OutgoingMessage,
  type RecordContext,
} from './records.js';
import { ProducerSendError } from './send-error.js';
import { createSendQueue } from '../src/kafka/send-queue.js';

export interface PinProducerOptions {
  readonly config: KafkaConfig;
  readonly logger?: Logger;
  /** Where the producer's metrics go; default a private registry. */
  readonly registry?: Registry;
  /** A kafkajs client to share; default one built from `config` by createKafka. */
  readonly kafka?: Kafka;
  /** The intents' `origin`: the cluster peer id, or a role ("importer", "api"). Default config.clientId. */
  readonly origin?: string;
  /** How long a call waits for others to share its batch, ms. Default 2. */
  readonly lingerMs?: number;
  /** Messages per batch. Default 500. */
  readonly maxBatch?: number;
  /** Key + value bytes per batch. Default 512 KiB (under the broker's 1 MiB limit). */
  readonly maxBatchBytes?: number;
  /** Messages queued or in flight before callers wait (backpressure). Default 10 × maxBatch. */
  readonly maxPending?: number;
  /** Replaces the kafkajs producer (tests, another client). `kafka` is ignored when set. */
  readonly transport?: PinTransport;
  /** Op id generator; default UUIDv7 (`newOpId`). */
  readonly newOpId?: () => string;
  /** Clock for default `ts`, unix ms; default Date.now. */
  readonly now?: () => number;
}

/**
 * `idle`: created, not connected; calls reject with ILLEGAL_STATE.
 * `connecting`: connect() in progress; calls queue and go out once connected.
 * `connected`: sending.
 * `closing`: disconnect() is flushing the queue; new calls reject with ILLEGAL_STATE.
 * `closed`: disconnected for good.
 */
export type ProducerState = 'idle' | 'connecting' | 'connected' | 'closing' | 'closed';

export interface PinProducer {
  readonly state: ProducerState;
  readonly metrics: ProducerMetrics;
  connect(): Promise<void>;
  /** Publishes UpsertPin. Rejects with a ValidationError naming the field for bad input (nothing is sent). */
  upsertPin(spec: PinSpecInput, opts?: OpOptions): Promise<string>;
  /** Publishes DeletePin (deleting a missing pin is not an error for the writer). */
  deletePin(cid: string, opts?: DeleteOptions): Promise<string>;
  /** Publishes SetDesiredPlacement: the full set of peers that should hold the pin. */
  setDesiredPlacement(cid: string, peers: readonly string[], opts?: OpOptions): Promise<string>;
  /** Publishes an AckPlacement on the acks topic: `peer` reports `state` for `cid`. */
  ackPlacement(cid: string, peer: string, state: PlacementState, opts?: AckOptions): Promise<string>;
  /**
   * Publishes already-built intents (importer, replay, TTL sweeper) with their op ids, ts and
   * origins unchanged. All are validated before any is queued; resolves with their op ids.
   */
  publishIntents(intents: readonly PinIntent[]): Promise<string[]>;
  /** Sends whatever is queued without waiting for the linger time; resolves when it has settled. */
  flush(): Promise<void>;
  /** Flushes, then disconnects. Calls made afterwards reject with ILLEGAL_STATE. */
  disconnect(): Promise<void>;
}

export function createPinProducer(options: PinProducerOptions): PinProducer {
  const { config } = options;
  const logger = (options.logger ?? silentLogger()).child({ component: 'producer' });
  const metrics = producerMetrics(options.registry ?? createRegistry());
  const transport = options.transport ?? kafkaTransport(options.kafka ?? createKafka({ config, logger, clientId: `${config.clientId}-producer` }));
  const ctx: RecordContext = {
    intentsTopic: config.topics.intents,
    acksTopic: config.topics.acks,
    origin: validateOrigin(options.origin ?? config.clientId),
    newOpId: options.newOpId ?? newOpId,
    now: options.now ?? Date.now,
  };

  let state: ProducerState = 'idle';
  let connecting: Promise<void> | undefined;

  async function send(messages: readonly OutgoingMessage[]): Promise<void> {
    // Calls made while connect() runs wait for it here, not in the caller, so their order holds.
    if (connecting !== undefined) await connecting;
    const started = performance.now();
    try {
      await transport.send(messages);
    } catch (err: unknown) {
      metrics.errors.inc();
      logger.warn({ err: err instanceof Error ? err.message : String(err), messages: messages.length }, 'batch send failed');
      throw err;
    }
    metrics.sendSeconds.observe((performance.now() - started) / 1000);
    const perTopic = new Map<string, number>();
    for (const m of messages) perTopic.set(m.topic, (perTopic.get(m.topic) ?? 0) + 1);
    for (const [topic, n] of perTopic) metrics.sent.inc({ topic }, n);
  }

  const queue = createSendQueue<OutgoingMessage>({
    send,
    sizeOf: outgoingBytes,
    ...(options.lingerMs === undefined ? {} : { lingerMs: options.lingerMs }),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    ...(options.maxBatchBytes === undefined ? {} : { maxBatchBytes: options.maxBatchBytes }),
    ...(options.maxPending === undefined ? {} : { maxPending: options.maxPending }),
  });

  function notOpen(): PinstateError | undefined {
    if (state === 'connecting' || state === 'connected') return undefined;
    return new PinstateError('ILLEGAL_STATE', state === 'idle' ? 'the producer is not connected; call connect() first' : `the producer is ${state}`);
  }

  /** Builds synchronously (a bad input rejects before anything is queued), then queues in call order. */
  function publish(build: () => BuiltRecord[]): Promise<string[]> {
    let records: BuiltRecord[];
    try {
      records = build();
    } catch (err: unknown) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const closed = notOpen();
    if (closed !== undefined) return Promise.reject(closed);
    const opIds = records.map((r) => r.opId);
    return queue.enqueue(records.map((r) => r.message)).then(
      () => opIds,
      (err: unknown) => {
        throw new ProducerSendError(opIds, records[0]?.message.topic ?? '', err);
      },
    );
  }

  const one = (build: () => BuiltRecord): Promise<string> => publish(() => [build()]).then((ids) => ids[0]!);

  return {
    get state() {
      return state;
    },
    metrics,
    async connect() {
      if (state === 'connected' || state === 'connecting') return connecting;
      if (state !== 'idle') throw new PinstateError('ILLEGAL_STATE', `cannot connect a producer that is ${state}`);
      state = 'connecting';
      connecting = transport.connect();
      try {
        await connecting;
        state = 'connected';
        logger.debug({ intents: ctx.intentsTopic, acks: ctx.acksTopic }, 'producer connected');
      } catch (err: unknown) {
        state = 'idle';
        throw new PinstateError('KAFKA_UNAVAILABLE', `producer cannot connect: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      } finally {
        connecting = undefined;
      }
    },
    upsertPin: (spec, opts) => one(() => upsertRecord(ctx, spec, opts)),
    deletePin: (cid, opts) => one(() => deleteRecord(ctx, cid, opts)),
    setDesiredPlacement: (cid, peers, opts) => one(() => placementRecord(ctx, cid, peers, opts)),
    ackPlacement: (cid, peer, placementState, opts) => one(() => ackRecord(ctx, cid, peer, placementState, opts)),
    publishIntents(intents) {
      return publish(() => {
        if (!Array.isArray(intents)) throw new ValidationError('INVALID_FIELD', 'intents', 'expected an array of PinIntent');
        const checked = (intents as readonly PinIntent[]).map((intent, i) => validateIntent(intent, `intents[${i}]`));
        return checked.map((intent) => intentRecord(ctx.intentsTopic, intent));
      });
    },
    flush: () => queue.flush(),
    async disconnect() {
      if (state === 'closed' || state === 'closing') return;
      if (state === 'idle') {
        state = 'closed';
        await queue.close();
        return;
      }
      state = 'closing';
      await connecting?.catch(() => undefined);
      try {
        await queue.close();
      } finally {
        await transport.disconnect();
        state = 'closed';
        logger.debug('producer disconnected');
      }
    },
  };
}
