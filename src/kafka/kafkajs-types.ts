/**
 * The kafkajs types and the one protocol helper that pinstate's own Kafka consumers (agent,
 * allocator, peer registry) need, passed through here so kafkajs itself is imported only at the
 * edge (see CONTRIBUTING.md "Layers"): swapping the client means changing this module's callers'
 * adapters, not hunting imports across the tree.
 */
export { AssignerProtocol } from 'kafkajs';
export type { Assigner, Consumer, EachBatchPayload, Kafka, PartitionAssigner, Producer } from 'kafkajs';
