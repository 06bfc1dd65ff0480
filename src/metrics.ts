/**
 * Prometheus metrics. The registry is always passed in (never the global one), so each test and
 * each embedded component gets its own. Names carry units; the list is in docs/metrics.md.
 */
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { effectiveHeapGrowingPercent, effectiveSemiSpaceMb } from './heap-policy.js';

export { Registry };

export function createRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics) {
    collectDefaultMetrics({ register: registry, prefix: 'pinstate_' });
    new Gauge({
      name: 'pinstate_nodejs_heap_size_limit_bytes',
      help: "V8's heap limit: Node's default, or what --max-old-space-size in NODE_OPTIONS set (docs/operations.md#memory).",
      registers: [registry],
      collect() {
        this.set(getHeapStatistics().heap_size_limit);
      },
    });
    new Gauge({
      name: 'pinstate_nodejs_heap_growing_percent',
      help: 'How far V8 may grow the heap past the live heap before a full collection, in percent: heap_growing_percent, or --heap-growing-percent on node\'s command line; 0 is V8\'s own policy (docs/operations.md#memory).',
      registers: [registry],
      collect() {
        this.set(effectiveHeapGrowingPercent());
      },
    });
    new Gauge({
      name: 'pinstate_nodejs_heap_semi_space_mb',
      help: "V8's largest semi-space in MB, as node was started with it (heap_semi_space_mb through a re-exec, node's command line or NODE_OPTIONS); 0 is V8's own size (docs/operations.md#memory).",
      registers: [registry],
      collect() {
        this.set(effectiveSemiSpaceMb());
      },
    });
  }
  return registry;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A fetched op's age: milliseconds when the writer keeps up, up to an hour when it is behind. */
const AGE_BUCKETS = [...LATENCY_BUCKETS, 30, 60, 300, 900, 3600];

export interface WriterMetrics {
  readonly messages: Counter<'topic' | 'outcome'>;
  readonly dlq: Counter<'topic' | 'reason'>;
  readonly batchOps: Histogram<never>;
  readonly applySeconds: Histogram<never>;
  readonly publishSeconds: Histogram<never>;
  readonly commitSeconds: Histogram<never>;
  readonly fetchAgeSeconds: Histogram<never>;
  readonly retries: Counter<'kind'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly state: Gauge<'state'>;
  readonly inFlightCql: Gauge<never>;
}

/** Metrics of the Kafka writer; safe to call twice on one registry (returns the same metrics). */
export function writerMetrics(registry: Registry): WriterMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    messages: get('pinstate_writer_messages_total', () => new Counter({ name: 'pinstate_writer_messages_total', help: 'Messages handled by the writer, by source topic and outcome (applied, rejected, duplicate, redelivered, dead_lettered).', labelNames: ['topic', 'outcome'] as const, registers: [registry] })),
    dlq: get('pinstate_writer_dlq_total', () => new Counter({ name: 'pinstate_writer_dlq_total', help: 'Messages sent to a dead-letter topic, by source topic and reason code.', labelNames: ['topic', 'reason'] as const, registers: [registry] })),
    batchOps: get('pinstate_writer_batch_ops', () => new Histogram({ name: 'pinstate_writer_batch_ops', help: 'Ops per store commit.', buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000], registers: [registry] })),
    applySeconds: get('pinstate_writer_apply_seconds', () => new Histogram({ name: 'pinstate_writer_apply_seconds', help: 'Time to apply one batch to the database (dedup, reads, writes).', buckets: LATENCY_BUCKETS, registers: [registry] })),
    publishSeconds: get('pinstate_writer_publish_seconds', () => new Histogram({ name: 'pinstate_writer_publish_seconds', help: 'Time to publish one batch of events, placement changes and dead letters.', buckets: LATENCY_BUCKETS, registers: [registry] })),
    commitSeconds: get('pinstate_writer_commit_seconds', () => new Histogram({ name: 'pinstate_writer_commit_seconds', help: 'Time to commit consumer offsets after a batch.', buckets: LATENCY_BUCKETS, registers: [registry] })),
    fetchAgeSeconds: get('pinstate_writer_fetch_age_seconds', () => new Histogram({ name: 'pinstate_writer_fetch_age_seconds', help: "Age of each fetched batch's oldest message when the writer received it (now - the record's timestamp; 0 if the producer's clock is ahead).", buckets: AGE_BUCKETS, registers: [registry] })),
    retries: get('pinstate_writer_retries_total', () => new Counter({ name: 'pinstate_writer_retries_total', help: 'Batches retried after a transient failure, by kind (database, kafka).', labelNames: ['kind'] as const, registers: [registry] })),
    lag: get('pinstate_writer_lag_messages', () => new Gauge({ name: 'pinstate_writer_lag_messages', help: 'Consumer lag per partition at the last fetched batch (high watermark - 1 - last offset).', labelNames: ['topic', 'partition'] as const, registers: [registry] })),
    state: get('pinstate_writer_state', () => new Gauge({ name: 'pinstate_writer_state', help: 'Writer lifecycle state: 1 for the current state, 0 for the others.', labelNames: ['state'] as const, registers: [registry] })),
    inFlightCql: get('pinstate_cql_in_flight_requests', () => new Gauge({ name: 'pinstate_cql_in_flight_requests', help: 'CQL requests in flight from this process.', registers: [registry] })),
  };
}
