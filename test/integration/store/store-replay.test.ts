import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffDumps } from '../../support/diff-dump.js';
import { dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';
import { cut, mixedOps } from '../../support/workload.js';

// 1,000 mixed ops over 60 CIDs and 6 peers: upserts, deletes, placements, acks, skewed clocks.
const OPS = mixedOps({ seed: 42, ops: 1000, cids: 60, peers: 6 });

let a: TestKeyspace;
let b: TestKeyspace;
beforeAll(async () => {
  [a, b] = await Promise.all([freshStore('replay_a'), freshStore('replay_b')]);
});
afterAll(async () => {
  await Promise.all([a?.cleanup(), b?.cleanup()]);
});

describe('replay', () => {
  it('applying 1,000 mixed ops, then replaying them, leaves identical tables; other batch boundaries and a crash-replay give the same', async () => {
    for (const batch of cut(OPS, [100])) await a.store.apply(batch);
    const once = await dumpKeyspace(a.store.session);
    expect(once['pins_by_cid']!.length).toBeGreaterThan(0);
    expect(once['op_dedup']!.length).toBe(1000);

    // Replay the whole log: every op is a duplicate, nothing changes.
    for (const batch of cut(OPS, [250])) {
      const res = await a.store.apply(batch);
      expect(res.duplicates).toBe(batch.length);
    }
    const replayed = await dumpKeyspace(a.store.session);
    expect(diffDumps(once, replayed)).toBe('');

    // Another keyspace, different batch sizes, and a "crash": a prefix applied, then the log from an earlier point.
    const batches = cut(OPS, [7, 31, 1, 64]);
    for (const batch of batches.slice(0, 20)) await b.store.apply(batch);
    b.store.invalidate();
    for (const batch of cut(OPS.slice(150), [97])) await b.store.apply(batch);
    expect(diffDumps(once, await dumpKeyspace(b.store.session))).toBe('');
  });

  it('stats() equals a full scan after the mixed workload with deletes and replays', async () => {
    const stats = await a.store.stats();
    let pins = 0;
    const placements: Record<string, number> = {};
    for await (const _pin of a.store.list({ pageSize: 50 })) pins++;
    // Placements are counted from every row's placement, including those of deleted pins still unpinning.
    let pageState: string | undefined;
    do {
      const page = await a.store.session.execute('SELECT placement_actual FROM pins_by_cid', [], { fetchSize: 100, pageState });
      for (const row of page.rows) {
        for (const s of Object.values((row['placement_actual'] as Record<string, string> | null) ?? {})) placements[s] = (placements[s] ?? 0) + 1;
      }
      pageState = page.pageState;
    } while (pageState !== undefined);
    expect(stats.pins).toBe(pins);
    expect(stats.placements).toEqual(placements);
  });
});
