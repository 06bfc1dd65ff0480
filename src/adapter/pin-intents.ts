/**
 * An IPFS Cluster pin → the operations that recreate it in pinstate: UpsertPin, then
 * SetDesiredPlacement from its allocations. Everything is a function of the pin's content — op
 * ids (contentOpIds) and the op time — so importing the same pin twice, from one run or from two,
 * yields byte-identical intents: the writer (or the store) deduplicates the second copy, and a
 * resumed import writes the same rows with the same write times as an uninterrupted one. Pure.
 */
import type { ClusterPin } from '../cluster/index.js';
import type { PinIntent } from '../domain/messages.js';
import type { StoreOp } from '../store/records.js';
import { contentOpIds } from './cluster-state.js';

/** The `origin` of imported intents unless the caller says otherwise. */
export const IMPORT_ORIGIN = 'importer';

/**
 * The op time of an imported pin: IPFS Cluster's own pin timestamp (when the cluster accepted
 * it), so `created_at` keeps its meaning; 0 for pre-1.0 pins that carry none. Never the wall
 * clock: that would make two imports of one file differ in write times.
 */
export function contentTs(pin: ClusterPin): number {
  return pin.spec.timestamp ?? 0;
}

/** The two intents of one pin, in the order the writer must apply them. */
export function clusterPinIntents(pin: ClusterPin, origin = IMPORT_ORIGIN): [PinIntent, PinIntent] {
  const ids = contentOpIds(pin);
  const ts = contentTs(pin);
  return [
    { opId: ids.upsert, ts, origin, body: { kind: 'UpsertPin', spec: pin.spec } },
    { opId: ids.placement, ts, origin, body: { kind: 'SetDesiredPlacement', cid: pin.spec.cid, peers: pin.allocations } },
  ];
}

/**
 * The same two operations as store ops (the `--direct` path). The pin was validated by
 * parseApiPin, so the ops are built as is rather than validated a second time.
 */
export function clusterPinOps(pin: ClusterPin, origin = IMPORT_ORIGIN): [StoreOp, StoreOp] {
  const [upsert, placement] = clusterPinIntents(pin, origin);
  return [
    { opId: upsert.opId, ts: upsert.ts, origin, source: null, body: { kind: 'UpsertPin', spec: pin.spec } },
    { opId: placement.opId, ts: placement.ts, origin, source: null, body: { kind: 'SetDesiredPlacement', cid: pin.spec.cid, peers: pin.allocations } },
  ];
}
