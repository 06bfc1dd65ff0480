/**
 * Row → record mapping for reads, with the driver's value types but no server: the lean mapping
 * (no defensive copies, shared empties, CID text from the bytes) gives the same records.
 */
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { parseCid } from '../../../src/domain/cid.js';
import { pinFromRow, placementFromRow, storedPinFromRows } from '../../../src/store/rows.js';
import { compareToken } from '../../../src/store/scan.js';
import type { CqlRow } from '../../../src/store/session.js';
import { cidV1 } from '../../support/cids.js';

const { Long } = cassandra.types;
const row = (fields: Record<string, unknown>): CqlRow => fields as unknown as CqlRow;
const cid = cidV1('rows-test');
// A blob as copyBuffer: false hands it over: a view into a larger frame.
const view = (bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes), Buffer.from([0xfd])]).subarray(2, 2 + bytes.length);

describe('pinFromRow / storedPinFromRows', () => {
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
    expect(storedPinFromRows(r, undefined)).toEqual({ ...pin, placement: null });
  });

  it('fills absent columns with defaults, and a delete marker or no row is no pin', () => {
    const pin = pinFromRow(row({ cid_bin: view(parseCid(cid).bytes), pin_type: 'data', tags: null, metadata: null, origins: null, shard_size: null }));
    expect(pin?.spec).toMatchObject({ owner: '', maxDepth: -1, tags: [], metadata: {}, origins: [], shardSize: 0, expireAt: null, reference: null, timestamp: null });
    expect(pin?.createdAt).toBe(0);
    expect(pinFromRow(row({ cid_bin: view(parseCid(cid).bytes), pin_type: null }))).toBeNull();
    expect(pinFromRow(undefined)).toBeNull();
    expect(storedPinFromRows(row({ cid_bin: view(parseCid(cid).bytes), pin_type: null }), row({ desired: ['p'] }))).toBeNull();
  });
});

describe('placementFromRow', () => {
  it('maps desired (sorted), actual and errors; an empty placement is none', () => {
    expect(placementFromRow(row({ desired: ['p2', 'p1'], actual: { p1: 'pinned' }, errors: null, updated_at: new Date(3000), last_op_id: 'pl' }))).toEqual({
      desired: ['p1', 'p2'], actual: { p1: 'pinned' }, errors: {}, updatedAt: 3000, lastOpId: 'pl',
    });
    expect(placementFromRow(row({ desired: null, actual: {}, errors: {} }))).toBeNull();
    expect(placementFromRow(row({ desired: [], actual: { p: 'unpin_queued' } }))?.actual).toEqual({ p: 'unpin_queued' });
    expect(placementFromRow(undefined)).toBeNull();
  });
});

describe('compareToken', () => {
  it('orders signed 64-bit tokens as Long#compare does, low halves unsigned', () => {
    const values = ['-9223372036854775808', '-4294967297', '-4294967296', '-1', '0', '1', '2147483647', '2147483648', '4294967295', '4294967296', '9223372036854775807'];
    const longs = values.map((v) => Long.fromString(v));
    for (const a of longs) for (const b of longs) expect(Math.sign(compareToken(a, b)), `${a.toString()} vs ${b.toString()}`).toBe(a.compare(b));
  });
});
