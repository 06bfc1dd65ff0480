/**
 * Where imported pins go: `pins.intents` through the producer SDK (the default: the writer applies
 * them like any other intent and publishes their events), or the store directly (`--direct`:
 * faster, no events on Kafka, for an empty keyspace no writer serves).
 */
import { clusterPinIntents, clusterPinOps, IMPORT_ORIGIN } from '../adapter/pin-intents.js';
import type { ClusterPin } from '../cluster/index.js';
import type { PinIntent } from '../domain/messages.js';
import type { StoreOp } from '../store/records.js';
import type { PinStore } from '../store/store.js';

/** A pin the target refused (the store's rules, e.g. PIN_TYPE_CONFLICT with an existing pin). */
export interface SinkRejection {
  /** Index into the batch passed to `write`. */
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

export interface SinkResult {
  /** Pins whose ops were all already applied (a re-run import). Unknown (0) on the Kafka path: the writer deduplicates. */
  readonly duplicates: number;
  readonly rejected: readonly SinkRejection[];
}

export interface ImportSink {
  /** `kafka:<topic>` or `direct:<keyspace>`: recorded in checkpoints. */
  readonly target: string;
  /** Batches written at once (the importer keeps at most this many in flight). */
  readonly concurrency: number;
  /** Resolves once every pin of the batch is durable (acknowledged by Kafka with acks=all, or committed). */
  write(pins: readonly ClusterPin[]): Promise<SinkResult>;
}

/** The part of the producer SDK the importer uses (createPinProducer(...) satisfies it). */
export interface IntentPublisher {
  publishIntents(intents: readonly PinIntent[]): Promise<string[]>;
}

export function kafkaSink(producer: IntentPublisher, topic: string, options: { origin?: string; concurrency?: number } = {}): ImportSink {
  const origin = options.origin ?? IMPORT_ORIGIN;
  return {
    target: `kafka:${topic}`,
    concurrency: options.concurrency ?? 8,
    async write(pins) {
      await producer.publishIntents(pins.flatMap((pin) => clusterPinIntents(pin, origin)));
      return { duplicates: 0, rejected: [] };
    },
  };
}

export function directSink(store: PinStore, options: { origin?: string; concurrency?: number } = {}): ImportSink {
  const origin = options.origin ?? IMPORT_ORIGIN;
  return {
    target: `direct:${store.keyspace}`,
    concurrency: options.concurrency ?? 2,
    async write(pins) {
      const ops: StoreOp[] = pins.flatMap((pin) => clusterPinOps(pin, origin));
      const result = await store.apply(ops);
      let duplicates = 0;
      const rejected: SinkRejection[] = [];
      for (let i = 0; i < pins.length; i++) {
        const upsert = result.results[2 * i];
        const placement = result.results[2 * i + 1];
        const refused = [upsert, placement].find((r) => r?.outcome === 'rejected');
        if (refused) rejected.push({ index: i, code: refused.reason ?? 'INTERNAL', message: refused.message ?? 'rejected by the store' });
        else if (upsert?.outcome === 'duplicate' && placement?.outcome === 'duplicate') duplicates++;
      }
      return { duplicates, rejected };
    },
  };
}
