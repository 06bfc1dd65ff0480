/**
 * The chaos suite's oracle: what the database must hold after a log of ops, written as plainly as
 * possible and independently of src/store/plan.ts (which the unit tests cross-check it against).
 * Per CID: does the pin exist (and its name, replication), its desired peers, and each peer's
 * state. Ops whose op_id was seen before are ignored (dedup), as are rejected ops.
 */
import type { StoreOp } from '../../src/store/records.js';

export interface ModelPin {
  name: string;
  rfMin: number;
  rfMax: number;
  expireAt: number | null;
}

export interface ModelCid {
  pin: ModelPin | null;
  desired: Set<string>;
  actual: Map<string, string>;
}

export class Model {
  readonly cids = new Map<string, ModelCid>();
  readonly seen = new Set<string>();
  /** Op ids the writer must reject (and dead-letter). */
  readonly rejected = new Set<string>();

  private at(cid: string): ModelCid {
    let c = this.cids.get(cid);
    if (!c) this.cids.set(cid, (c = { pin: null, desired: new Set(), actual: new Map() }));
    return c;
  }

  /** A peer leaves the desired set: it must unpin unless it never started. */
  private drop(c: ModelCid, peer: string): void {
    const s = c.actual.get(peer);
    if (s === undefined || s === 'unpinned' || s === 'pin_queued') c.actual.delete(peer);
    else c.actual.set(peer, 'unpin_queued');
  }

  apply(op: StoreOp): void {
    if (this.seen.has(op.opId)) return;
    this.seen.add(op.opId);
    const b = op.body;
    if (b.kind === 'UpsertPin') {
      const c = this.at(b.spec.cid);
      c.pin = { name: b.spec.name, rfMin: b.spec.replicationFactorMin, rfMax: b.spec.replicationFactorMax, expireAt: b.spec.expireAt };
      return;
    }
    const c = this.at(b.cid);
    if (b.kind === 'DeletePin') {
      if (!c.pin) return;
      if (b.expiredAt !== undefined && b.expiredAt !== null && c.pin.expireAt !== b.expiredAt) return;
      c.pin = null;
      for (const p of c.desired) this.drop(c, p);
      c.desired.clear();
    } else if (b.kind === 'SetDesiredPlacement') {
      if (!c.pin) {
        this.rejected.add(op.opId);
        return;
      }
      const next = new Set(b.peers);
      for (const p of b.peers) {
        if (c.desired.has(p)) continue;
        const s = c.actual.get(p);
        c.actual.set(p, s === 'pinning' || s === 'pinned' ? s : 'pin_queued');
      }
      for (const p of c.desired) if (!next.has(p)) this.drop(c, p);
      c.desired = next;
    } else {
      if (!c.pin && !c.actual.has(b.peer)) {
        this.rejected.add(op.opId);
        return;
      }
      if (b.state === 'unpinned' && !c.desired.has(b.peer)) c.actual.delete(b.peer);
      else c.actual.set(b.peer, b.state);
    }
  }

  /** Expected counts, as pin_stats must report them. */
  counts(): { pins: number; placements: Record<string, number> } {
    let pins = 0;
    const placements: Record<string, number> = {};
    for (const c of this.cids.values()) {
      if (c.pin) pins++;
      for (const s of c.actual.values()) placements[s] = (placements[s] ?? 0) + 1;
    }
    return { pins, placements };
  }
}
