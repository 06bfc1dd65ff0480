/**
 * The store's in-memory view of one CID's core row (its pins_by_cid row: pin and placement), and the
 * ops applied to it. Derived tables (pins_by_peer, pin_ttl_queue, pin_events, op_dedup,
 * pin_stats) are computed from changes to these.
 */
import type { PinSpec } from '../domain/pin.js';
import type { PlacementState } from '../domain/placement-state.js';
import type { EventKind, PinEvent, PlacementChange, SourcePosition } from '../domain/messages.js';

/** A live pin row. Times are unix ms; `writeTs` is the row's CQL write timestamp (µs). */
export interface PinRecord {
  readonly spec: PinSpec;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastOpId: string;
}

export interface PlacementRecord {
  /** Sorted peer ids the pin should be on. */
  readonly desired: readonly string[];
  /** peer → state, for every peer that holds or held the content and has not confirmed unpinning. */
  readonly actual: Readonly<Record<string, PlacementState>>;
  /** peer → last error text reported with a *_error state. */
  readonly errors: Readonly<Record<string, string>>;
  readonly updatedAt: number;
  readonly lastOpId: string;
}

/** Everything the planner needs to know about one CID before a batch. */
export interface CidState {
  readonly cid: string;
  readonly cidBytes: Uint8Array;
  readonly mhPrefix: number;
  readonly pin: PinRecord | null;
  readonly placement: PlacementRecord | null;
  /** Highest CQL write timestamp (µs) used for this CID so far, kept across deletes. 0 if never written. */
  readonly clock: number;
}

export type StoreOpBody =
  | { readonly kind: 'UpsertPin'; readonly spec: PinSpec }
  | { readonly kind: 'DeletePin'; readonly cid: string; /** Delete only if the pin still expires at this time (TTL sweeper). */ readonly expiredAt?: number | null }
  | { readonly kind: 'SetDesiredPlacement'; readonly cid: string; readonly peers: readonly string[] }
  | { readonly kind: 'AckPlacement'; readonly cid: string; readonly peer: string; readonly state: PlacementState; readonly error: string | null };

/** One validated operation as the store applies it. */
export interface StoreOp {
  readonly opId: string;
  /** When the op was created, unix ms. */
  readonly ts: number;
  readonly origin: string;
  readonly source: SourcePosition | null;
  readonly body: StoreOpBody;
}

export type OpOutcome = 'applied' | 'rejected' | 'duplicate' | 'redelivered';

/** What happened to one op. */
export interface OpResult {
  readonly op: StoreOp;
  readonly outcome: OpOutcome;
  /** Error code for rejected ops. */
  readonly reason: string | null;
  readonly message: string | null;
  /** The audit event (absent for duplicates). */
  readonly event: PinEvent | null;
  readonly placementChanges: readonly PlacementChange[];
}

export function cidOfOp(body: StoreOpBody): string {
  return body.kind === 'UpsertPin' ? body.spec.cid : body.cid;
}

export function eventKindOf(op: StoreOp): EventKind {
  if (op.body.kind === 'AckPlacement') return 'AckPlacement';
  if (op.body.kind === 'DeletePin' && op.body.expiredAt !== undefined && op.body.expiredAt !== null) return 'Expire';
  return op.body.kind;
}

/** Per-shard counts: live pins and placements by state. */
export interface StatsCounts {
  pins: number;
  placements: Record<string, number>;
}

export function emptyCounts(): StatsCounts {
  return { pins: 0, placements: {} };
}

export function addCounts(into: StatsCounts, delta: StatsCounts): void {
  into.pins += delta.pins;
  for (const [state, n] of Object.entries(delta.placements)) {
    const v = (into.placements[state] ?? 0) + n;
    if (v === 0) delete into.placements[state];
    else into.placements[state] = v;
  }
}
