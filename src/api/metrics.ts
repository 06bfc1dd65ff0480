/** Metrics of the HTTP API, on the registry the caller passes. Listed in docs/metrics.md. */
import { Counter, Histogram } from 'prom-client';
import type { Registry } from '../metrics.js';

export interface ApiMetrics {
  /** Requests answered, by route pattern (`/pins/:cid`), method and status code. */
  readonly requests: Counter<'route' | 'method' | 'status'>;
  /** Time to answer (for NDJSON streams: to the first byte), by route pattern and method. */
  readonly seconds: Histogram<'route' | 'method'>;
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Safe to call twice on one registry (returns the same metrics). */
export function apiMetrics(registry: Registry): ApiMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    requests: get('pinstate_api_requests_total', () => new Counter({ name: 'pinstate_api_requests_total', help: 'HTTP API requests answered, by route pattern, method and status code.', labelNames: ['route', 'method', 'status'] as const, registers: [registry] })),
    seconds: get('pinstate_api_request_seconds', () => new Histogram({ name: 'pinstate_api_request_seconds', help: 'HTTP API time to answer (to the first byte for NDJSON streams), by route pattern and method.', labelNames: ['route', 'method'] as const, buckets: BUCKETS, registers: [registry] })),
  };
}
