/** The peer registry's metrics (docs/metrics.md). */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from '../metrics.js';

export interface PeerRegistryMetrics {
  readonly live: Gauge;
  readonly known: Gauge;
  readonly heartbeats: Counter<'outcome'>;
  readonly transitions: Counter<'kind'>;
}

export function peerRegistryMetrics(registry: Registry): PeerRegistryMetrics {
  const existing = registry.getSingleMetric('pinstate_peers_live');
  if (existing !== undefined) {
    // A second registry in one process (the allocator and the API share one) reuses the series.
    return {
      live: existing as Gauge,
      known: registry.getSingleMetric('pinstate_peers_known') as Gauge,
      heartbeats: registry.getSingleMetric('pinstate_peers_heartbeats_total') as Counter<'outcome'>,
      transitions: registry.getSingleMetric('pinstate_peers_transitions_total') as Counter<'kind'>,
    };
  }
  return {
    live: new Gauge({ name: 'pinstate_peers_live', help: 'Peers whose newest heartbeat is younger than allocator.peer_ttl', registers: [registry] }),
    known: new Gauge({ name: 'pinstate_peers_known', help: 'Peers the registry holds a heartbeat of (live or down)', registers: [registry] }),
    heartbeats: new Counter({ name: 'pinstate_peers_heartbeats_total', help: 'Heartbeat records read from the peers topic, by outcome (accepted, tombstone, undecodable)', labelNames: ['outcome'], registers: [registry] }),
    transitions: new Counter({ name: 'pinstate_peers_transitions_total', help: 'Peer liveness changes seen by the registry, by kind (up, down)', labelNames: ['kind'], registers: [registry] }),
  };
}
