/** `pinstate agent`: drives one IPFS (kubo) node from pinstate's placements (docs/agent.md). */
export { createAgent } from './agent.js';
export type { Agent, AgentOptions, AgentState } from './agent.js';
export { createKuboClient, KuboError, KUBO_ERROR_KINDS } from './kubo-client.js';
export type { KuboApi, KuboPin, KuboPinType, KuboErrorKind, KuboIdentity, KuboRepoStat } from './kubo-client.js';
export { agentMetrics, AGENT_ERROR_KINDS } from './metrics.js';
export type { AgentMetrics, AgentErrorKind } from './metrics.js';
export { agentAssignment, agentAssigner } from './placement-reader.js';
export { AGENT_OP_PREFIX, wantOfChange, reconcileAction } from './decisions.js';
export { managedPinName, isManagedName, holdingOf } from './ledger.js';
