/**
 * Row → record mapping for reads, with the driver's value types but no server: the lean mapping
 * (no defensive copies, shared empties, CID text from the bytes) gives the same records.
 */
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { parseCid } from '../../../src/domain/cid.js';
import { cidStateFromRow, pinFromRow, placementFromRow, storedPinFromRow } from '../../../src/store/rows.js';
import type { CqlRow } from '../../../src/store/session.js';
import { cidV1 } from '../../support/cids.js';

const { Long } = cassandra.types;
const row = (fields: Record<string, unknown>): CqlRow => fields as unknown as CqlRow;
const cid = cidV1('rows-test');
// A blob as copyBuffer: false hands it over: a view into a larger frame.
const view = (bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes), Buffer.from([0xfd])]).subarray(2, 2 + bytes.length);

describe('pinFromRow / storedPinFromRow', () => {
  it('maps every column, sorts set columns, keeps list order', () => {
    const ref = cidV1('rows-ref');
    const r = row({
      cid_bin: view(parseCid(cid).bytes), owner: 'alice', pin_type: 'dag', max_depth: 1, rf_min: 2, rf_max: 3, name: 'n',
      tags: ['b', 'a'], metadata: { k: 'v' }, expire_at: new Date(5000), shard_size: Long.fromNumber(2 ** 40), reference: view(parseCid(ref).bytes),
      pin_update: null, origins: ['/ip4/2', '/ip4/1'], cluster_ts: new Date(7000), created_at: new Date(1000), updated_at: new Date(2000), last_op_id: 'op',
    });
    const pin = pinFromRow(r);
    expect(pin).toEqual({
      spec: { cid, owner: 'alice', pinType: 'dag', maxDepth: 1, replicationFactorMin: 2, replicationFactorMax: 3, name: 'n', tags: ['a', 'b'], metadata: { k: 'v' }, expireAt: 5000, shardSize: 2 ** 40, reference: ref, pinUpdate: null, origins: ['/ip4/2', '/ip4/1'], timestamp: 7000 },
      createdAt: 1000, updatedAt: 2000, lastOpId: 'op',
    });
    expect(storedPinFromRow(r)).toEqual({ ...pin, placement: null });
    const placed = row({ ...(r as Record<string, unknown>), placement_desired: ['p2', 'p1'], placement_actual: { p1: 'pinned' }, placement_errors: null, placement_updated_at: new Date(3000), placement_last_op_id: 'pl' });
    expect(storedPinFromRow(placed)).toEqual({ ...pin, placement: { desired: ['p1', 'p2'], actual: { p1: 'pinned' }, errors: {}, updatedAt: 3000, lastOpId: 'pl' } });
  });

  it('fills absent columns with defaults, and a delete marker or no row is no pin', () => {
    const pin = pinFromRow(row({ cid_bin: view(parseCid(cid).bytes), pin_type: 'data', tags: null, metadata: null, origins: null, shard_size: null }));
    expect(pin?.spec).toMatchObject({ owner: '', maxDepth: -1, tags: [], metadata: {}, origins: [], shardSize: 0, expireAt: null, reference: null, timestamp: null });
    expect(pin?.createdAt).toBe(0);
    expect(pinFromRow(row({ cid_bin: view(parseCid(cid).bytes), pin_type: null }))).toBeNull();
    expect(pinFromRow(undefined)).toBeNull();
    expect(storedPinFromRow(row({ cid_bin: view(parseCid(cid).bytes), pin_type: null, placement_desired: ['p'], placement_actual: { p: 'unpin_queued' } }))).toBeNull();
  });
});

describe('placementFromRow', () => {
  it('maps desired (sorted), actual and errors from the placement_ columns; an empty placement is none', () => {
    expect(placementFromRow(row({ placement_desired: ['p2', 'p1'], placement_actual: { p1: 'pinned' }, placement_errors: null, placement_updated_at: new Date(3000), placement_last_op_id: 'pl' }))).toEqual({
      desired: ['p1', 'p2'], actual: { p1: 'pinned' }, errors: {}, updatedAt: 3000, lastOpId: 'pl',
    });
    expect(placementFromRow(row({ placement_desired: null, placement_actual: {}, placement_errors: {} }))).toBeNull();
    expect(placementFromRow(row({ placement_desired: [], placement_actual: { p: 'unpin_queued' } }))?.actual).toEqual({ p: 'unpin_queued' });
    // The pin's own columns are not the placement's.
    expect(placementFromRow(row({ pin_type: 'data', updated_at: new Date(1), last_op_id: 'pin-op' }))).toBeNull();
    expect(placementFromRow(undefined)).toBeNull();
  });
});

describe('cidStateFromRow', () => {
  const parsed = { text: cid, bytes: parseCid(cid).bytes, mhPrefix: 7 };
  it('takes the clock as the later of the pin and placement clocks', () => {
    expect(cidStateFromRow(parsed, row({ cid_bin: view(parseCid(cid).bytes), pin_type: 'data', write_ts: Long.fromNumber(5), placement_write_ts: Long.fromNumber(9), placement_actual: { p: 'pinned' } })).clock).toBe(9);
    expect(cidStateFromRow(parsed, row({ pin_type: null, write_ts: Long.fromNumber(12), placement_write_ts: null })).clock).toBe(12);
  });
  it('a CID never seen has no pin, no placement and clock 0', () => {
    expect(cidStateFromRow(parsed, undefined)).toMatchObject({ cid, mhPrefix: 7, pin: null, placement: null, clock: 0 });
  });
});
