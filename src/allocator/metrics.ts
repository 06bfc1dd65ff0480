/** The allocator's metrics (docs/metrics.md). Live peers are the registry's `pinstate_peers_live`. */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from '../metrics.js';

export interface AllocatorMetrics {
  readonly decisions: Counter<'cause'>;
  readonly reallocations: Counter;
  readonly removedPeers: Counter;
  readonly short: Counter;
  readonly evaluations: Counter<'source'>;
  readonly errors: Counter<'stage'>;
  readonly active: Gauge;
}

export function allocatorMetrics(registry: Registry): AllocatorMetrics {
  return {
    decisions: new Counter({ name: 'pinstate_allocator_decisions_total', help: 'SetDesiredPlacement intents the allocator published, by cause (allocate, repair, everywhere, trim, drop_down)', labelNames: ['cause'], registers: [registry] }),
    reallocations: new Counter({ name: 'pinstate_allocator_reallocations_total', help: 'Pins re-allocated to live peers because desired peers were down (IPFS Cluster repinning)', registers: [registry] }),
    removedPeers: new Counter({ name: 'pinstate_allocator_removed_peers_total', help: 'Down peers removed from desired placements once live peers held the pin', registers: [registry] }),
    short: new Counter({ name: 'pinstate_allocator_short_total', help: 'Decisions that could not reach rf_min for lack of live peers', registers: [registry] }),
    evaluations: new Counter({ name: 'pinstate_allocator_evaluations_total', help: 'Pins evaluated, by what triggered it (event, peer_down, peer_up, scan, activation)', labelNames: ['source'], registers: [registry] }),
    errors: new Counter({ name: 'pinstate_allocator_errors_total', help: 'Allocator failures by stage (read, publish, decode, task)', labelNames: ['stage'], registers: [registry] }),
    active: new Gauge({ name: 'pinstate_allocator_active', help: '1 while this process is the active allocator (owns the group), else 0', registers: [registry] }),
  };
}
