/**
 * A message delivered again (the writer crashed after applying it, before committing its offset)
 * re-publishes the outputs of its first delivery: the same event and the same placement changes,
 * with no second effect. Since schema 5 they are read back from the op's pin_events row; op_dedup
 * rows from before keep their outputs and are read as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CQL } from '../../../src/store/cql.js';
import { deleteOp, placementOp, upsertOp } from '../../../src/store/ops.js';
import type { StoreOp } from '../../../src/store/records.js';
import type { RecordedOp } from '../../../src/store/plan.js';
import { eventIdOf, outputsOf } from '../../../src/store/writes.js';
import { cidV1, opId, peerId } from '../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';

let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('store_redelivery');
});
afterAll(async () => {
  await ks?.cleanup();
});

const at = (offset: number): { source: { topic: string; partition: number; offset: string } } => ({ source: { topic: 'pins.intents', partition: 7, offset: String(offset) } });

describe('redelivery', () => {
  it('re-publishes the first delivery\'s event and placement changes from the event row; no second effect', async () => {
    const { store } = ks;
    const cid = cidV1('redeliver');
    const peers = [peerId('r1'), peerId('r2')];
    const ops: StoreOp[] = [upsertOp(opId(), { cid, name: 'r' }, { ts: 1_800_000_000_000, ...at(1) }), placementOp(opId(), cid, peers, { ts: 1_800_000_000_001, ...at(2) })];
    const first = await store.apply(ops);
    expect(first.results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    expect(first.results[1]!.placementChanges.map((c) => c.peer).sort()).toEqual([...peers].sort());
    const stats = await store.stats();
    const pin = await store.get(cid);

    // The op_dedup rows hold no outputs; the event rows hold the changes.
    for (const op of ops) {
      const dedup = (await store.session.execute(CQL.selectDedup, [op.opId])).rows[0]!;
      expect(dedup['outputs']).toBeNull();
    }

    const again = await store.apply(ops);
    expect(again.results.map((r) => r.outcome)).toEqual(['redelivered', 'redelivered']);
    for (let i = 0; i < ops.length; i++) {
      expect(again.results[i]!.event).toEqual(first.results[i]!.event);
      expect(again.results[i]!.placementChanges).toEqual(first.results[i]!.placementChanges);
    }
    expect(await store.stats()).toEqual(stats);
    expect(await store.get(cid)).toEqual(pin);

    // The same ops from another source (a re-produced intent): duplicates, nothing to re-publish.
    const reproduced = await store.apply(ops.map((op, k) => ({ ...op, source: at(100 + k).source })));
    expect(reproduced.results.map((r) => [r.outcome, r.event, r.placementChanges])).toEqual([
      ['duplicate', null, []],
      ['duplicate', null, []],
    ]);
  });

  it('an op_dedup row written before schema 5 (outputs kept in it) re-publishes from that row', async () => {
    const { store, config } = ks;
    const cid = cidV1('redeliver-old');
    const op = placementOp(opId(), cid, [peerId('o1')], { ts: 1_800_000_001_000, ...at(10) });
    await store.apply([upsertOp(opId(), { cid, name: 'old' }, { ts: 1_800_000_000_999, ...at(9) })]);
    const first = await store.apply([op]);
    // Rewrite its op_dedup row as a release before schema 5 did: compact outputs in the row.
    const rec: RecordedOp = { result: first.results[0]!, ts: 1 };
    const row = (await store.session.execute('SELECT digest, cid_bin, kind, source FROM op_dedup WHERE op_id = ?', [op.opId])).rows[0]!;
    await store.session.execute(CQL.insertDedupWithOutputs, [op.opId, row['digest'], row['cid_bin'], row['kind'], row['source'], outputsOf(rec), new Date(op.ts), 600, 1]);
    // ...and drop its event row, so only the op_dedup row can answer.
    await store.session.execute('DELETE FROM pin_events WHERE cid_bin = ? AND event_id = ?', [row['cid_bin'], eventIdOf(op.opId, op.ts)]);
    const again = await store.apply([op]);
    expect(again.results[0]).toMatchObject({ outcome: 'redelivered' });
    expect(again.results[0]!.event).toEqual(first.results[0]!.event);
    expect(again.results[0]!.placementChanges).toEqual(first.results[0]!.placementChanges);
    expect(config.scylla.eventsTtlMs).toBeGreaterThanOrEqual(config.scylla.dedupTtlMs);
  });

  it('a redelivered delete re-publishes its event (no placement changes, no changes cell)', async () => {
    const { store } = ks;
    const cid = cidV1('redeliver-delete');
    await store.apply([upsertOp(opId(), { cid, name: 'd' }, { ts: 1_800_000_002_000, ...at(20) })]);
    const del = deleteOp(opId(), cid, { ts: 1_800_000_002_001, ...at(21) });
    const first = await store.apply([del]);
    expect(first.results[0]!.outcome).toBe('applied');
    const again = await store.apply([del]);
    expect(again.results[0]).toMatchObject({ outcome: 'redelivered', event: first.results[0]!.event, placementChanges: first.results[0]!.placementChanges });
  });
});
