import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileStats } from '../../../src/store/reconcile.js';
import { statsStatement } from '../../../src/store/writes.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';
import { mixedOps } from '../../support/workload.js';

let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('store_reconcile');
});
afterAll(async () => {
  await ks?.cleanup();
});

describe('reconcileStats', () => {
  it('finds no drift after a normal workload, detects a corrupted shard, and repairs it', async () => {
    const { store } = ks;
    const ops = mixedOps({ seed: 99, ops: 600, cids: 80, peers: 5 });
    for (let i = 0; i < ops.length; i += 100) await store.apply(ops.slice(i, i + 100));
    const shards = ks.config.scylla.statsShards;

    const clean = await reconcileStats(store.session, shards, { apply: false });
    expect(clean.driftedShards).toEqual([]);
    expect(clean.recorded).toEqual(clean.scanned);
    const truth = await store.stats();

    // Corrupt shard 3 (as a stale writer could), newer than anything written so far.
    const bad = statsStatement(3, { pins: 12345, placements: { pinned: 7 } }, Date.now() * 1000 + 1_000_000, Date.now());
    await store.session.execute(bad.query, bad.params);
    expect((await store.stats()).pins).not.toBe(truth.pins);

    const found = await reconcileStats(store.session, shards, { apply: true });
    expect(found.driftedShards).toEqual([3]);
    expect(found.scanned.pins).toBe(truth.pins);
    store.invalidate();
    expect(await store.stats()).toEqual(truth);
  });
});
