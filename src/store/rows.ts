/** Row ↔ record mapping for the core tables. Pure apart from the driver's value types. */
import cassandra from 'cassandra-driver';
import { cidTextFromBytes } from '../domain/cid.js';
import type { PinSpec, PinType } from '../domain/pin.js';
import type { PlacementState } from '../domain/placement-state.js';
import type { SourcePosition } from '../domain/messages.js';
import type { CidState, PinRecord, PlacementRecord } from './records.js';
import type { CqlRow } from './session.js';

const { Long } = cassandra.types;

export const toLong = (n: number): cassandra.types.Long => Long.fromNumber(n);

export function fromLong(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  return (value as cassandra.types.Long).toNumber();
}

/** unix ms of a timestamp cell, or null. */
const ms = (value: unknown): number | null => (value instanceof Date ? value.getTime() : null);
const cidText = (value: unknown): string | null => (value instanceof Uint8Array && value.length > 0 ? cidTextFromBytes(value) : null);

/*
 * Rows are mapped without defensive copies: the driver decodes every collection into a fresh
 * array or object that only the row references, and the row is dropped after mapping, so the
 * record may own them. Sets come back in the server's order and are sorted in place (a no-op pass
 * when already sorted); absent collections share one frozen empty value instead of a new one per
 * row. list() maps ~10^5 rows a second, where each avoided allocation is GC time saved.
 */
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_ENTRIES: Readonly<Record<string, never>> = Object.freeze({});
const sortedSet = (value: unknown): readonly string[] => (value === null || value === undefined ? NO_STRINGS : (value as string[]).sort());
const list = (value: unknown): readonly string[] => (value === null || value === undefined ? NO_STRINGS : (value as string[]));
const entries = <V>(value: unknown): Readonly<Record<string, V>> => (value === null || value === undefined ? NO_ENTRIES : (value as Record<string, V>));

function specFromRow(row: CqlRow, pinType: PinType): PinSpec {
  return {
    cid: cidTextFromBytes(row['cid_bin'] as Uint8Array),
    owner: (row['owner'] as string | null) ?? '',
    pinType,
    maxDepth: (row['max_depth'] as number | null) ?? -1,
    replicationFactorMin: (row['rf_min'] as number | null) ?? 0,
    replicationFactorMax: (row['rf_max'] as number | null) ?? 0,
    name: (row['name'] as string | null) ?? '',
    tags: sortedSet(row['tags']),
    metadata: entries<string>(row['metadata']),
    expireAt: ms(row['expire_at']),
    shardSize: fromLong(row['shard_size']),
    reference: cidText(row['reference']),
    pinUpdate: cidText(row['pin_update']),
    origins: list(row['origins']),
    timestamp: ms(row['cluster_ts']),
  };
}

const pinTypeOf = (row: CqlRow | undefined): PinType | null => (row === undefined ? null : ((row['pin_type'] as PinType | null | undefined) ?? null));

/** A pins_by_cid row with a pin_type is a live pin; without one it is a delete marker. */
export function pinFromRow(row: CqlRow | undefined): PinRecord | null {
  const pinType = pinTypeOf(row);
  if (row === undefined || pinType === null) return null;
  return { spec: specFromRow(row, pinType), createdAt: ms(row['created_at']) ?? 0, updatedAt: ms(row['updated_at']) ?? 0, lastOpId: (row['last_op_id'] as string | null) ?? '' };
}

/**
 * A live pin with its placement as reads return it, built as one object from its pins_by_cid row
 * (null for a missing pin or a delete marker).
 */
export function storedPinFromRow(row: CqlRow | undefined): (PinRecord & { readonly placement: PlacementRecord | null }) | null {
  const pinType = pinTypeOf(row);
  if (row === undefined || pinType === null) return null;
  return {
    spec: specFromRow(row, pinType),
    createdAt: ms(row['created_at']) ?? 0,
    updatedAt: ms(row['updated_at']) ?? 0,
    lastOpId: (row['last_op_id'] as string | null) ?? '',
    placement: placementFromRow(row),
  };
}

/** The placement columns of a pins_by_cid row (null when it has none, or only empty ones). */
export function placementFromRow(row: CqlRow | undefined): PlacementRecord | null {
  if (row === undefined) return null;
  const desired = sortedSet(row['placement_desired']);
  const actual = entries<PlacementState>(row['placement_actual']);
  if (desired.length === 0 && isEmpty(actual)) return null;
  return {
    desired,
    actual,
    errors: entries<string>(row['placement_errors']),
    updatedAt: ms(row['placement_updated_at']) ?? 0,
    lastOpId: (row['placement_last_op_id'] as string | null) ?? '',
  };
}

/** No own enumerable key (without building Object.keys' array). */
function isEmpty(record: Readonly<Record<string, unknown>>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return false;
  return true;
}

/** Builds the planner's view of a CID from its pins_by_cid row (missing for a CID never seen). */
export function cidStateFromRow(cid: { text: string; bytes: Uint8Array; mhPrefix: number }, row: CqlRow | undefined): CidState {
  return {
    cid: cid.text,
    cidBytes: cid.bytes,
    mhPrefix: cid.mhPrefix,
    pin: pinFromRow(row),
    placement: placementFromRow(row),
    clock: Math.max(fromLong(row?.['write_ts']), fromLong(row?.['placement_write_ts'])),
  };
}

export function sourceText(source: SourcePosition | null): string | null {
  return source ? `${source.topic}/${source.partition}@${source.offset}` : null;
}
