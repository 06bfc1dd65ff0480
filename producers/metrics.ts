/** Metrics of the producer SDK, on the registry the caller passes (never the global one). */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from '../src/metrics.js';

export interface ProducerMetrics {
  /** Messages the broker acknowledged, by topic. */
  readonly sent: Counter<'topic'>;
  /** Time from handing a batch to the client to the broker's acknowledgement. */
  readonly sendSeconds: Histogram<never>;
  /** Batches that failed (every caller in them got the error). */
  readonly errors: Counter<never>;
}

const SEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Safe to call twice on one registry (returns the same metrics), so several producers can share it. */
export function producerMetrics(registry: Registry): ProducerMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    sent: get('pinstate_producer_sent_total', () => new Counter({ name: 'pinstate_producer_sent_total', help: 'Messages the producer SDK sent and the broker acknowledged, by topic.', labelNames: ['topic'] as const, registers: [registry] })),
    sendSeconds: get('pinstate_producer_send_seconds', () => new Histogram({ name: 'pinstate_producer_send_seconds', help: 'Time to send one batch and receive the broker acknowledgement (acks=all).', buckets: SEND_BUCKETS, registers: [registry] })),
    errors: get('pinstate_producer_errors_total', () => new Counter({ name: 'pinstate_producer_errors_total', help: 'Batches the producer SDK failed to send (after the client retries).', registers: [registry] })),
  };
}
