/**
 * Turns a CID plan into prepared statements, split in two:
 * - `core`: the CID's pins_by_cid cells (pin and placement) and its ops' op_dedup rows (the dedup
 *   key only, since schema 5: an op's outputs are in its pin_events row). These go, together
 *   with the shard's pin_stats row, into one logged batch, so a crash leaves either all of them
 *   or none: stats can never count an op twice or miss one.
 * - `derived`: pins_by_peer, peer_buckets, pin_ttl_queue and pin_events rows. They are pure
 *   functions of the ops (written at each touching op's timestamp), so writing them before the
 *   core batch, and again on a replay, gives the same rows.
 *
 * Times, clocks and counts are plain numbers: the driver encodes them by the prepared statement's
 * column types. A Date or Long per value stayed live while its statement waited for a request
 * slot (docs/benchmarks.md, "What the live heap holds").
 */
import cassandra from 'cassandra-driver';
import { hash } from 'node:crypto';
import { parseCid } from '../domain/cid.js';
import { peerBucket } from '../domain/mh-prefix.js';
import type { CidPlan, RecordedOp } from './plan.js';
import { CQL } from './cql.js';
import { opDigest } from './op-digest.js';
import { sourceText } from './rows.js';
import { cidOfOp, eventKindOf, type OpResult, type StatsCounts, type StoreOp } from './records.js';
import type { PinEvent, PlacementChange } from '../domain/messages.js';
import type { PlacementState } from '../domain/placement-state.js';
import type { BucketBits } from './bucket-bits.js';
import type { Statement } from './session.js';

const { unset } = cassandra.types;
const { TimeUuid } = cassandra.types;

export interface WriteContext {
  readonly peerBucketBits: number;
  readonly ttlShards: number;
  readonly dedupTtlSec: number;
  readonly eventsTtlSec: number;
}

export const HOUR_MS = 3_600_000;

export const ttlBucketOf = (expireAt: number): number => Math.floor(expireAt / HOUR_MS);
export const ttlShardOf = (mhPrefix: number, shards: number): number => mhPrefix % shards;

const cidBytesOrNull = (text: string | null): Buffer | null => (text === null ? null : Buffer.from(parseCid(text).bytes));

/** null when the old row may hold a value (so it must be cleared), else `unset` (no tombstone). */
function nullable<T>(value: T | null, oldMayHaveValue: boolean): T | null | typeof unset {
  if (value !== null) return value;
  return oldMayHaveValue ? null : unset;
}

/** A deterministic timeuuid for an op's event row: time from the op, node and clock from its id. */
export function eventIdOf(opId: string, tsMs: number): cassandra.types.TimeUuid {
  // One-shot hash(): the same bytes as createHash().update().digest() without a Hash object per call.
  const h = hash('sha256', opId, 'buffer');
  const ticks = h.readUInt16BE(0) % 10_000;
  return TimeUuid.fromDate(new Date(tsMs), ticks, h.subarray(2, 8), h.subarray(8, 10));
}

/**
 * True when an op's event and placement changes follow from the op plus the event's outcome,
 * reason and detail and each change's peer, desired flag and state: the event's op id, time,
 * CID, kind and origin and each change's CID, op id and time are the op's own. Then the op's
 * pin_events row (which holds the event's columns and, since schema 5, the changes) is all a
 * redelivery needs to re-publish them, and op_dedup keeps only the dedup key.
 */
export function outputsFollowFromOp(rec: RecordedOp): boolean {
  const { op, event, placementChanges } = rec.result;
  const cid = cidOfOp(op.body);
  return (
    event !== null &&
    event.opId === op.opId &&
    event.ts === op.ts &&
    event.cid === cid &&
    event.kind === eventKindOf(op) &&
    event.origin === op.origin &&
    placementChanges.every((c) => c.cid === cid && c.opId === op.opId && c.ts === op.ts)
  );
}

/**
 * What op_dedup kept of an op's outputs before schema 5, and still keeps for an op whose outputs
 * do not follow from it (format 1, the whole event and changes as JSON). Format 2, the compact one
 * for outputs that follow from the op, is what rows written by releases before schema 5 hold;
 * outputsFromRow reads both.
 */
export function outputsOf(rec: RecordedOp): Buffer {
  const { event, placementChanges } = rec.result;
  if (!outputsFollowFromOp(rec) || event === null) return Buffer.from(JSON.stringify({ event, changes: placementChanges }));
  const compact: CompactOutputs = { v: 2, o: event.outcome, r: event.reason, d: event.detail, c: compactChanges(placementChanges) };
  return Buffer.from(JSON.stringify(compact));
}

type CompactChange = readonly [string, boolean, PlacementState];

const compactChanges = (changes: readonly PlacementChange[]): CompactChange[] => changes.map((c) => [c.peer, c.desired, c.state]);

/** The `changes` cell of an op's pin_events row: its placement changes' peer, desired flag and state; `unset` for none (no cell, no tombstone). */
export function eventChangesOf(rec: RecordedOp): Buffer | typeof unset {
  const changes = rec.result.placementChanges;
  return changes.length === 0 ? unset : Buffer.from(JSON.stringify(compactChanges(changes)));
}

/**
 * A redelivered op's outputs from its pin_events row (`selectEventOutputs`): the event from the
 * row's outcome, reason and detail plus the op's own fields, the changes from the row's `changes`.
 * No row (it expired, which scylladb.events_ttl >= dedup_ttl rules out): nothing to re-publish.
 */
export function outputsFromEventRow(op: StoreOp, row: { readonly [column: string]: unknown } | undefined): Pick<OpResult, 'event' | 'placementChanges'> {
  if (row === undefined) return { event: null, placementChanges: [] };
  const cid = cidOfOp(op.body);
  const changes = row['changes'] as Buffer | null;
  const parsed = changes === null ? [] : (JSON.parse(changes.toString('utf8')) as CompactChange[]);
  return {
    event: { opId: op.opId, ts: op.ts, cid, kind: eventKindOf(op), outcome: row['outcome'] as PinEvent['outcome'], reason: (row['reason'] as string | null) ?? null, detail: (row['detail'] as string | null) ?? '', origin: op.origin, source: op.source },
    placementChanges: parsed.map(([peer, desired, state]) => ({ cid, peer, desired, state, opId: op.opId, ts: op.ts })),
  };
}

interface CompactOutputs {
  readonly v: 2;
  readonly o: PinEvent['outcome'];
  readonly r: string | null;
  readonly d: string;
  readonly c: readonly CompactChange[];
}

/** An op_dedup row's outputs (either format) as the op's event and placement changes; source = the op's. */
export function outputsFromRow(op: StoreOp, outputs: Buffer | null): Pick<OpResult, 'event' | 'placementChanges'> {
  if (!outputs) return { event: null, placementChanges: [] };
  const parsed = JSON.parse(outputs.toString('utf8')) as CompactOutputs | { event: OpResult['event']; changes?: PlacementChange[] };
  if ('v' in parsed && parsed.v === 2) {
    const cid = cidOfOp(op.body);
    return {
      event: { opId: op.opId, ts: op.ts, cid, kind: eventKindOf(op), outcome: parsed.o, reason: parsed.r, detail: parsed.d, origin: op.origin, source: op.source },
      placementChanges: parsed.c.map(([peer, desired, state]) => ({ cid, peer, desired, state, opId: op.opId, ts: op.ts })),
    };
  }
  const v1 = parsed as { event: OpResult['event']; changes?: PlacementChange[] };
  return { event: v1.event ? { ...v1.event, source: op.source } : null, placementChanges: v1.changes ?? [] };
}

/** The op_dedup digest of a new op (versioned and canonical: see op-digest.ts). */
export function digestOfBody(body: StoreOp['body']): string {
  return opDigest.digest(body);
}

/** A composite partition key as Cassandra serializes it for routing: (len16, bytes, 0x00) per part. */
export function compositeKey(parts: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  for (const part of parts) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(part.length);
    out.push(len, part, Buffer.from([0]));
  }
  return Buffer.concat(out);
}

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};

export interface PlanStatements {
  readonly core: Statement[];
  readonly derived: Statement[];
}

/**
 * `digestOf` returns an op's body digest; the Committer passes the ones it already computed for
 * dedup (hashing a body twice per op was measurable), others get digestOfBody. `bucketWritten`
 * (the Committer's BucketBits) knows which peer_buckets rows this process has written already:
 * their statements are not built at all (writeGrouped would skip them anyway).
 */
export function statementsForPlan(plan: CidPlan, ctx: WriteContext, digestOf: (op: StoreOp) => string = (op) => digestOfBody(op.body), bucketWritten?: Pick<BucketBits, 'has'>): PlanStatements {
  const core: Statement[] = [];
  const derived: Statement[] = [];
  const { initial, final } = plan;
  const cidBin = Buffer.from(initial.cidBytes);

  // Pin and placement cells of the CID's row are written apart, each set only by its own statements
  // at the timestamp of the last op that changed it, and nothing deletes the whole row: the row's
  // final cells are then a function of the ops alone, whatever batches they were applied in.
  const pinTs = plan.pinTs;
  const placementTs = plan.placementTs;
  if (pinTs !== null) {
    // One timestamp: both the write's USING TIMESTAMP and the clock cell's value.
    const at = pinTs;
    const pin = final.pin;
    if (pin) {
      const s = pin.spec;
      const old = initial.pin?.spec;
      const rowMayExist = initial.clock > 0;
      core.push({
        query: CQL.upsertPin,
        params: [
          at,
          initial.mhPrefix,
          s.owner,
          s.pinType,
          s.maxDepth,
          s.replicationFactorMin,
          s.replicationFactorMax,
          s.name,
          s.tags,
          s.metadata,
          nullable(s.expireAt, old?.expireAt != null),
          s.shardSize,
          nullable(cidBytesOrNull(s.reference), old?.reference != null),
          nullable(cidBytesOrNull(s.pinUpdate), old?.pinUpdate != null),
          s.origins,
          nullable(s.timestamp, old?.timestamp != null),
          pin.createdAt,
          pin.updatedAt,
          pin.lastOpId,
          at,
          nullable(null, rowMayExist && !initial.pin),
          cidBin,
        ],
      });
    } else {
      // Only the pin's own cells go: a placement (peers still unpinning) stays.
      core.push({ query: CQL.deletePinColumns, params: [at, cidBin] });
      core.push(markerStatement(cidBin, plan.pinOp, at, ctx.dedupTtlSec));
    }
  }

  if (placementTs !== null) {
    const at = placementTs;
    const p = final.placement;
    if (p) {
      core.push({
        query: CQL.upsertPlacement,
        params: [at, p.desired, p.actual, p.errors, p.updatedAt, p.lastOpId, at, cidBin],
      });
    } else {
      // The placement's cells are cleared; its clock is kept for dedup_ttl, as a delete marker's is.
      core.push({ query: CQL.clearPlacement, params: [ctx.dedupTtlSec, at, at, cidBin] });
    }
  }

  for (const rec of plan.recorded) {
    const op = rec.result.op;
    const at = rec.ts;
    // The event row is written before the core batch that holds the op_dedup row (derived rows
    // first), so whenever a redelivery finds the op_dedup row, the event row is there to read.
    const inEventRow = outputsFollowFromOp(rec);
    core.push(
      inEventRow
        ? { query: CQL.insertDedup, params: [op.opId, digestOf(op), cidBin, op.body.kind, sourceText(op.source) ?? '', op.ts, ctx.dedupTtlSec, at] }
        : { query: CQL.insertDedupWithOutputs, params: [op.opId, digestOf(op), cidBin, op.body.kind, sourceText(op.source) ?? '', outputsOf(rec), op.ts, ctx.dedupTtlSec, at] },
    );
    const ev = rec.result.event;
    if (ev) {
      derived.push({
        routingKey: cidBin,
        query: CQL.insertEvent,
        params: [cidBin, eventIdOf(op.opId, op.ts), op.opId, ev.kind, ev.outcome, ev.reason, ev.detail, ev.origin, sourceText(ev.source), ev.ts, inEventRow ? eventChangesOf(rec) : unset, ctx.eventsTtlSec, at],
      });
    }
  }

  const bucket = peerBucket(initial.mhPrefix, ctx.peerBucketBits);
  for (const pw of plan.peerWrites) {
    const routingKey = compositeKey([Buffer.from(pw.peer), int32(bucket)]);
    if (pw.row) {
      derived.push({
        routingKey,
        query: CQL.upsertPeerPin,
        params: [pw.peer, bucket, cidBin, pw.row.state, pw.row.desired, pw.row.error ?? unset, pw.row.updatedAt, pw.ts],
      });
      const once = { peer: pw.peer, bucket };
      if (bucketWritten?.has(once) !== true) derived.push({ routingKey: Buffer.from(pw.peer), once, query: CQL.insertPeerBucket, params: [pw.peer, bucket] });
    } else {
      derived.push({ routingKey, query: CQL.deletePeerPin, params: [pw.ts, pw.peer, bucket, cidBin] });
    }
  }

  const ttlShard = ttlShardOf(initial.mhPrefix, ctx.ttlShards);
  for (const tw of plan.ttlWrites) {
    const key = [ttlBucketOf(tw.expireAt), ttlShard, tw.expireAt, cidBin];
    const routingKey = compositeKey([int64(ttlBucketOf(tw.expireAt)), int32(ttlShard)]);
    derived.push(tw.present ? { routingKey, query: CQL.insertTtl, params: [...key, tw.ts] } : { routingKey, query: CQL.deleteTtl, params: [tw.ts, ...key] });
  }
  return { core, derived };
}

/** The cells a deleted pin leaves for scylladb.dedup_ttl: its clock, and the op that deleted it. */
function markerStatement(cidBin: Buffer, op: StoreOp | null, ts: number, ttlSec: number): Statement {
  const when = op?.ts ?? 0;
  return { query: CQL.insertPinMarker, params: [ttlSec, ts, op?.opId ?? '', ts, when, when, cidBin] };
}

export function statsStatement(shard: number, counts: StatsCounts, ts: number, nowMs: number): Statement {
  return { query: CQL.upsertStats, params: [shard, counts.pins, { ...counts.placements }, nowMs, ts, ts] };
}

/** Rough serialized size of a statement's values, for keeping logged batches under the limit. */
export function estimateBytes(statement: Statement): number {
  let n = 24;
  for (const v of statement.params) n += valueBytes(v);
  return n;
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined || v === unset) return 4;
  if (typeof v === 'string') return 4 + Buffer.byteLength(v);
  // A time, clock or count beyond 32 bits is costed as its Long was before values became plain
  // numbers (Cassandra's batch size counts per-cell overhead this estimate does not model).
  if (typeof v === 'number') return v >= 2 ** 31 || v < -(2 ** 31) ? LONG_BYTES : 12;
  if (typeof v === 'boolean') return 12;
  if (v instanceof Uint8Array) return 4 + v.length;
  if (v instanceof Date) return 12;
  if (Array.isArray(v)) return 8 + v.reduce((acc: number, x: unknown) => acc + valueBytes(x), 0);
  return objectBytes(v);
}

function objectBytes(v: unknown): number {
  if (typeof v === 'object' && v !== null) {
    let n = 8;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) n += 4 + Buffer.byteLength(k) + valueBytes(x);
    return n;
  }
  return 16;
}

/** What a `Long` param was estimated at (objectBytes of its low, high and unsigned fields). */
const LONG_BYTES = objectBytes({ low: 0, high: 0, unsigned: false });
