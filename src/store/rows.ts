/** Row ↔ record mapping for the core tables. Pure apart from the driver's value types. */
import cassandra from 'cassandra-driver';
import { cidFromBytes } from '../domain/cid.js';
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

const ms = (value: unknown): number | null => (value instanceof Date ? value.getTime() : null);
const cidText = (value: unknown): string | null => (value instanceof Uint8Array && value.length > 0 ? cidFromBytes(value).text : null);

/** A pins_by_cid row with a pin_type is a live pin; without one it is a delete marker. */
export function pinFromRow(row: CqlRow | undefined): PinRecord | null {
  if (!row || row['pin_type'] === null || row['pin_type'] === undefined) return null;
  const spec: PinSpec = {
    cid: cidFromBytes(row['cid_bin'] as Buffer).text,
    owner: (row['owner'] as string | null) ?? '',
    pinType: row['pin_type'] as PinType,
    maxDepth: (row['max_depth'] as number | null) ?? -1,
    replicationFactorMin: (row['rf_min'] as number | null) ?? 0,
    replicationFactorMax: (row['rf_max'] as number | null) ?? 0,
    name: (row['name'] as string | null) ?? '',
    tags: [...((row['tags'] as string[] | null) ?? [])].sort(),
    metadata: { ...((row['metadata'] as Record<string, string> | null) ?? {}) },
    expireAt: ms(row['expire_at']),
    shardSize: fromLong(row['shard_size']),
    reference: cidText(row['reference']),
    pinUpdate: cidText(row['pin_update']),
    origins: [...((row['origins'] as string[] | null) ?? [])],
    timestamp: ms(row['cluster_ts']),
  };
  return { spec, createdAt: ms(row['created_at']) ?? 0, updatedAt: ms(row['updated_at']) ?? 0, lastOpId: (row['last_op_id'] as string | null) ?? '' };
}

export function placementFromRow(row: CqlRow | undefined): PlacementRecord | null {
  if (!row) return null;
  const desired = [...((row['desired'] as string[] | null) ?? [])].sort();
  const actual = { ...((row['actual'] as Record<string, PlacementState> | null) ?? {}) };
  if (desired.length === 0 && Object.keys(actual).length === 0) return null;
  return {
    desired,
    actual,
    errors: { ...((row['errors'] as Record<string, string> | null) ?? {}) },
    updatedAt: ms(row['updated_at']) ?? 0,
    lastOpId: (row['last_op_id'] as string | null) ?? '',
  };
}

/** Builds the planner's view of a CID from its two core rows (either may be missing). */
export function cidStateFromRows(cid: { text: string; bytes: Uint8Array; mhPrefix: number }, pinRow: CqlRow | undefined, placementRow: CqlRow | undefined): CidState {
  return {
    cid: cid.text,
    cidBytes: cid.bytes,
    mhPrefix: cid.mhPrefix,
    pin: pinFromRow(pinRow),
    placement: placementFromRow(placementRow),
    clock: Math.max(fromLong(pinRow?.['write_ts']), fromLong(placementRow?.['write_ts'])),
  };
}

export function sourceText(source: SourcePosition | null): string | null {
  return source ? `${source.topic}/${source.partition}@${source.offset}` : null;
}
