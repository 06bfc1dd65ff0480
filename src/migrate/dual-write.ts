/**
 * The state the cluster uses during a migration: one ClusterState over two, routed by phase.
 *
 * | routing     | writes (add, rm)                  | reads (get, has, list, marshal) |
 * |-------------|-----------------------------------|---------------------------------|
 * | `old`       | old, then new                     | old                             |
 * | `switched`  | new, then old (rollback possible) | new                             |
 * | `new-only`  | new                               | new                             |
 *
 * A write is done only when both sides took it; if the second side fails the call rejects and
 * the sides may differ for that CID until the caller retries (add and rm are idempotent) or
 * validate's repair fixes it.
 */
import type { ClusterState } from '../adapter/cluster-state.js';
import { unmarshalInto } from '../adapter/unmarshal.js';

export type Routing = 'old' | 'switched' | 'new-only';

export function dualWriteState(oldState: ClusterState, newState: ClusterState, routing: () => Routing): ClusterState {
  const reader = (): ClusterState => (routing() === 'old' ? oldState : newState);
  const writers = (): ClusterState[] => {
    const r = routing();
    return r === 'old' ? [oldState, newState] : r === 'switched' ? [newState, oldState] : [newState];
  };
  const wrapper: ClusterState = {
    async add(pin) {
      for (const s of writers()) await s.add(pin);
    },
    async addMany(pins) {
      for (const s of writers()) {
        if (s.addMany) await s.addMany(pins);
        else for (const pin of pins) await s.add(pin);
      }
    },
    async rm(cid) {
      for (const s of writers()) await s.rm(cid);
    },
    get: (cid) => reader().get(cid),
    has: (cid) => reader().has(cid),
    list: () => reader().list(),
    marshal: (out) => reader().marshal(out),
    unmarshal(input, options) {
      return unmarshalInto(input, (pin) => wrapper.add(pin), options);
    },
    migrate: async () => {
      for (const s of writers()) await s.migrate();
    },
  };
  return wrapper;
}
