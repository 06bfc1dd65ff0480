/** Metrics of a placement follower, on the registry the caller passes. */
import { Counter } from 'prom-client';
import type { Registry } from '../../src/metrics.js';

export const FOLLOWER_OUTCOMES = ['delivered', 'other_peer', 'undecodable', 'mismatched_key'] as const;
export type FollowerOutcome = (typeof FOLLOWER_OUTCOMES)[number];

export interface FollowerMetrics {
  /** Messages read from the placements topic, by outcome. */
  readonly messages: Counter<'outcome'>;
  /** Acks sent by a simulated peer, by state. */
  readonly acks: Counter<'state'>;
}

export function followerMetrics(registry: Registry): FollowerMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    messages: get('pinstate_follower_messages_total', () => new Counter({ name: 'pinstate_follower_messages_total', help: 'Placement-change messages a follower read, by outcome (delivered, other_peer, undecodable, mismatched_key).', labelNames: ['outcome'] as const, registers: [registry] })),
    acks: get('pinstate_follower_acks_total', () => new Counter({ name: 'pinstate_follower_acks_total', help: 'Acks a simulated-peer follower sent, by state.', labelNames: ['state'] as const, registers: [registry] })),
  };
}
