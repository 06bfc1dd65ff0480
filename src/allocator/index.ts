/** The allocator (docs/allocation.md): applied pins → SetDesiredPlacement on live peers. */
export { choosePeers, byFreeSpace } from './choose-peers.js';
export type { Candidate, ChooseCause, ChooseInput, ChooseResult } from './choose-peers.js';
export { decide, decisionOpId, effectiveReplication, pinnedPeers } from './decision.js';
export type { Decision, ReplicationDefaults } from './decision.js';
export { createAllocator } from './allocator.js';
export type { Allocator, AllocatorOptions, AllocatorState, EvaluationSource } from './allocator.js';
export { allocatorMetrics } from './metrics.js';
export type { AllocatorMetrics } from './metrics.js';
export { soleOwner, soleOwnerAssigner, SOLE_OWNER_ASSIGNER_NAME } from './sole-owner-assigner.js';
