import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../src/errors.js';
import { applySchema } from '../../../src/store/migrate.js';
import { cidV0, cidV1, opId, peerId } from '../../support/cids.js';
import { dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';

let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('store_basic');
});
afterAll(async () => {
  await ks?.cleanup();
});

describe('schema', () => {
  it('apply is idempotent: a second apply changes nothing', async () => {
    const before = await dumpKeyspace(ks.store.session, ['schema_version', 'pinstate_meta']);
    const report = await applySchema({ config: ks.config.scylla });
    expect(report.appliedNow).toEqual([]);
    expect(report.tables).toEqual(
      expect.arrayContaining(['pins_by_cid', 'placements_by_cid', 'pins_by_peer', 'pin_ttl_queue', 'op_dedup', 'pin_stats', 'pin_events', 'schema_version']),
    );
    expect(await dumpKeyspace(ks.store.session, ['schema_version', 'pinstate_meta'])).toEqual(before);
  });

  it('refuses a config whose partition settings differ from the keyspace', async () => {
    await expect(applySchema({ config: { ...ks.config.scylla, peerBucketBits: 7 } })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', field: 'scylladb.peer_bucket_bits' });
  });
});

describe('writes and reads', () => {
  it('upsert then get returns every field; v0 and v1 CIDs', async () => {
    const { store } = ks;
    const v0 = cidV0(1);
    const v1 = cidV1(1);
    const r = await store.upsertPin(opId(), {
      cid: v0,
      owner: 'alice',
      name: 'dataset',
      replicationFactorMin: 2,
      replicationFactorMax: 3,
      tags: ['b', 'a'],
      metadata: { app: 'demo' },
      expireAt: Date.UTC(2030, 0, 1),
      shardSize: 1024,
      origins: ['/ip4/127.0.0.1/tcp/4001/p2p/' + peerId(1)],
      timestamp: Date.UTC(2024, 4, 6, 10, 11, 12),
    });
    expect(r.outcome).toBe('applied');
    await store.upsertPin(opId(), { cid: v1, mode: 'direct' });
    const got = await store.get(v0);
    expect(got.spec).toMatchObject({
      cid: v0,
      owner: 'alice',
      name: 'dataset',
      pinType: 'pin',
      maxDepth: -1,
      replicationFactorMin: 2,
      replicationFactorMax: 3,
      tags: ['a', 'b'],
      metadata: { app: 'demo' },
      expireAt: Date.UTC(2030, 0, 1),
      shardSize: 1024,
      timestamp: Date.UTC(2024, 4, 6, 10, 11, 12),
    });
    expect((await store.get(v1)).spec.maxDepth).toBe(0);
    expect(await store.has(v1)).toBe(true);
    expect(await store.has(cidV1('absent'))).toBe(false);
    await expect(store.get(cidV1('absent'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects bad input naming the field, before writing', async () => {
    const { store } = ks;
    const before = await store.stats();
    await expect(store.upsertPin(opId(), { cid: 'not-a-cid' })).rejects.toMatchObject({ code: 'INVALID_CID', field: 'cid' });
    await expect(store.upsertPin(opId(), { cid: cidV1(9), replicationFactorMin: 3, replicationFactorMax: 2 })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.setDesiredPlacement(opId(), cidV1(9), [''])).rejects.toMatchObject({ field: 'peers[0]' });
    expect(await store.stats()).toEqual(before);
  });

  it('placement: desired peers, acks, removal, listByPeer', async () => {
    const { store } = ks;
    const cid = cidV1('placed');
    const [p1, p2, p3] = [peerId(1), peerId(2), peerId(3)];
    await store.upsertPin(opId(), { cid });
    const set = await store.setDesiredPlacement(opId(), cid, [p1, p2]);
    expect(set.placementChanges.map((c) => [c.peer, c.desired, c.state]).sort()).toEqual([
      [p1, true, 'pin_queued'],
      [p2, true, 'pin_queued'],
    ].sort());
    await store.ackPlacement(opId(), cid, p1, 'pinned');
    await store.ackPlacement(opId(), cid, p2, 'pin_error', { error: 'context deadline exceeded' });
    let placement = await store.getPlacement(cid);
    expect(placement).toMatchObject({ desired: [p1, p2].sort(), actual: { [p1]: 'pinned', [p2]: 'pin_error' }, errors: { [p2]: 'context deadline exceeded' } });

    const listed = [];
    for await (const p of store.listByPeer(p1)) listed.push(p);
    expect(listed).toEqual([expect.objectContaining({ cid, peer: p1, state: 'pinned', desired: true })]);

    // Move from p1,p2 to p2,p3: p1 must unpin, p3 queued.
    await store.setDesiredPlacement(opId(), cid, [p2, p3]);
    placement = await store.getPlacement(cid);
    expect(placement?.actual).toEqual({ [p1]: 'unpin_queued', [p2]: 'pin_error', [p3]: 'pin_queued' });
    const p1Rows = [];
    for await (const p of store.listByPeer(p1)) p1Rows.push(p);
    expect(p1Rows).toEqual([expect.objectContaining({ cid, state: 'unpin_queued', desired: false })]);

    // p1 confirms the unpin: its row goes away.
    await store.ackPlacement(opId(), cid, p1, 'unpinned');
    const after = [];
    for await (const p of store.listByPeer(p1)) after.push(p);
    expect(after).toEqual([]);
    const pinned3 = [];
    for await (const p of store.listByPeer(p3, { state: 'pin_queued' })) pinned3.push(p.cid);
    expect(pinned3).toEqual([cid]);
  });

  it('delete: pin gone, placements move to unpin_queued, rm of a missing pin is a no-op', async () => {
    const { store } = ks;
    const cid = cidV1('deleted');
    const p1 = peerId(11);
    await store.upsertPin(opId(), { cid });
    await store.setDesiredPlacement(opId(), cid, [p1]);
    await store.ackPlacement(opId(), cid, p1, 'pinned');
    const del = await store.deletePin(opId(), cid);
    expect(del.outcome).toBe('applied');
    expect(del.placementChanges).toEqual([expect.objectContaining({ peer: p1, desired: false, state: 'unpin_queued' })]);
    expect(await store.has(cid)).toBe(false);
    expect((await store.deletePin(opId(), cid)).outcome).toBe('applied');
    await store.ackPlacement(opId(), cid, p1, 'unpinned');
    expect(await store.getPlacement(cid)).toBeNull();
  });

  it('same op id twice: no second effect; different content under one op id is a conflict', async () => {
    const { store } = ks;
    const cid = cidV1('dedup');
    const id = opId();
    expect((await store.upsertPin(id, { cid, name: 'one' })).outcome).toBe('applied');
    const statsBefore = await store.stats();
    expect((await store.upsertPin(id, { cid, name: 'one' })).outcome).toBe('duplicate');
    const conflict = await store.upsertPin(id, { cid, name: 'two' });
    expect(conflict).toMatchObject({ outcome: 'rejected', reason: 'OP_ID_CONFLICT' });
    expect((await store.get(cid)).spec.name).toBe('one');
    expect(await store.stats()).toEqual(statsBefore);
  });

  it('later ops win even when their producer clock is behind', async () => {
    const { store } = ks;
    const cid = cidV1('clock');
    await store.upsertPin(opId(), { cid, name: 'first' }, { ts: 2_000_000_000_000 });
    await store.upsertPin(opId(), { cid, name: 'second' }, { ts: 1_000_000_000_000 });
    expect((await store.get(cid)).spec.name).toBe('second');
    await store.deletePin(opId(), cid, { ts: 1_000_000_000_001 });
    await store.upsertPin(opId(), { cid, name: 'third' }, { ts: 1_000_000_000_002 });
    expect((await store.get(cid)).spec.name).toBe('third');
  });

  it('a placement set after its placement was cleared applies, even with a producer clock behind the clear', async () => {
    const { store } = ks;
    const cid = cidV1('clock-clear');
    const [p1, p2] = [peerId(31), peerId(32)];
    await store.upsertPin(opId(), { cid }, { ts: 1_000_000_000_000 });
    await store.setDesiredPlacement(opId(), cid, [p1], { ts: 2_000_000_000_000 });
    // p1 never started: leaving the desired set empties the placement (its cells are cleared).
    await store.setDesiredPlacement(opId(), cid, [], { ts: 3_000_000_000_000 });
    expect(await store.getPlacement(cid)).toBeNull();
    // The pin's clock is still 10^15 µs; the clear's (3·10^15) must order this op after it.
    expect((await store.setDesiredPlacement(opId(), cid, [p2], { ts: 2_500_000_000_000 })).outcome).toBe('applied');
    expect((await store.getPlacement(cid))?.desired).toEqual([p2]);
    expect((await store.get(cid)).placement?.actual).toEqual({ [p2]: 'pin_queued' });
  });

  it('re-pinning with another type or recursive → direct is rejected', async () => {
    const { store } = ks;
    const cid = cidV1('types');
    await store.upsertPin(opId(), { cid });
    expect(await store.upsertPin(opId(), { cid, pinType: 'shard-pin', maxDepth: 1 })).toMatchObject({ outcome: 'rejected', reason: 'PIN_TYPE_CONFLICT' });
    expect(await store.upsertPin(opId(), { cid, mode: 'direct' })).toMatchObject({ outcome: 'rejected', reason: 'PIN_TYPE_CONFLICT' });
  });

  it('batch: commit applies in order, rollback discards', async () => {
    const { store } = ks;
    const cid = cidV1('batch');
    const b = store.beginBatch();
    b.upsertPin(opId(), { cid, name: 'x' });
    b.deletePin(opId(), cid);
    b.upsertPin(opId(), { cid, name: 'y' });
    b.deletePin(opId(), cid);
    const res = await b.commit();
    expect(res.applied).toBe(4);
    expect(await store.has(cid)).toBe(false);
    const r = store.beginBatch();
    r.upsertPin(opId(), { cid: cidV1('rolled-back') });
    r.rollback();
    expect(await store.has(cidV1('rolled-back'))).toBe(false);
  });
});
