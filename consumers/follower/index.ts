/** Placement followers: how a peer learns from `pins.placements` what to pin (and, simulated, acks it). */
export { createFollower } from './follower.js';
export type { Follower, FollowerOptions, FollowerState } from './follower.js';
export { changeLine, formatChangeNdjson } from './ndjson.js';
export type { ChangeLine } from './ndjson.js';
export { ackOpId, simulatedAck } from './simulated-peer.js';
export type { SimulatedAck } from './simulated-peer.js';
export { followerMetrics, FOLLOWER_OUTCOMES } from './metrics.js';
export type { FollowerMetrics, FollowerOutcome } from './metrics.js';
