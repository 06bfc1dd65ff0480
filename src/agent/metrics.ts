/** Metrics of `pinstate agent` (docs/metrics.md). Safe to call twice on one registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Why an operation failed: a kubo error kind, or a failure of the agent's other edges. */
export const AGENT_ERROR_KINDS = ['unreachable', 'timeout', 'rejected', 'ack', 'store'] as const;
export type AgentErrorKind = (typeof AGENT_ERROR_KINDS)[number];

export interface AgentMetrics {
  readonly queueDepth: Gauge<never>;
  readonly inFlight: Gauge<never>;
  readonly opSeconds: Histogram<'op' | 'outcome'>;
  readonly errors: Counter<'op' | 'kind'>;
  readonly changes: Counter<'outcome'>;
  readonly reconciles: Counter<'outcome'>;
  readonly reconcileActions: Counter<'action'>;
  readonly heartbeats: Counter<'outcome'>;
  readonly pinned: Gauge<never>;
}

/** Pins take from milliseconds (already local) to the pin timeout (minutes). */
const PIN_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export function agentMetrics(registry: Registry): AgentMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    queueDepth: get('pinstate_agent_queue_depth', () => new Gauge({ name: 'pinstate_agent_queue_depth', help: 'Placements in the agent queue: waiting, waiting for a retry, or running.', registers: [registry] })),
    inFlight: get('pinstate_agent_in_flight', () => new Gauge({ name: 'pinstate_agent_in_flight', help: 'Pin/unpin operations running against kubo.', registers: [registry] })),
    opSeconds: get('pinstate_agent_op_seconds', () => new Histogram({ name: 'pinstate_agent_op_seconds', help: 'Time of one pin or unpin attempt against kubo (acks excluded), by op (pin, unpin) and outcome (ok, error).', labelNames: ['op', 'outcome'] as const, buckets: PIN_BUCKETS, registers: [registry] })),
    errors: get('pinstate_agent_errors_total', () => new Counter({ name: 'pinstate_agent_errors_total', help: 'Failed pin/unpin attempts and failed edges, by op (pin, unpin, reconcile, heartbeat) and kind (unreachable, timeout, rejected, ack, store).', labelNames: ['op', 'kind'] as const, registers: [registry] })),
    changes: get('pinstate_agent_changes_total', () => new Counter({ name: 'pinstate_agent_changes_total', help: "Placement-stream records read from the agent's partition, by outcome (queued, no_op, own_ack, other_peer, undecodable).", labelNames: ['outcome'] as const, registers: [registry] })),
    reconciles: get('pinstate_agent_reconciles_total', () => new Counter({ name: 'pinstate_agent_reconciles_total', help: 'Reconcile passes (pins_by_peer against kubo), by outcome (ok, error).', labelNames: ['outcome'] as const, registers: [registry] })),
    reconcileActions: get('pinstate_agent_reconcile_actions_total', () => new Counter({ name: 'pinstate_agent_reconcile_actions_total', help: 'What reconcile found to do, by action (pin, unpin, ack_pinned, ack_unpinned).', labelNames: ['action'] as const, registers: [registry] })),
    heartbeats: get('pinstate_agent_heartbeats_total', () => new Counter({ name: 'pinstate_agent_heartbeats_total', help: 'Heartbeats, by outcome (sent, kubo_unreachable, failed).', labelNames: ['outcome'] as const, registers: [registry] })),
    pinned: get('pinstate_agent_pinned', () => new Gauge({ name: 'pinstate_agent_pinned', help: 'Placements of this peer held pinned in kubo, as of the last reconcile plus the pins and unpins since.', registers: [registry] })),
  };
}
