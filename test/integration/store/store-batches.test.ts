/**
 * How a commit's rows are cut into logged batches (src/store/batch-pack.ts): shards with one
 * small chunk each share one logged batch, a shard with several chunks writes them in order, and
 * in both cases pin_stats stays exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CQL } from '../../../src/store/cql.js';
import { deleteOp, upsertOp } from '../../../src/store/ops.js';
import type { StoreOp } from '../../../src/store/records.js';
import type { Statement } from '../../../src/store/session.js';
import { createStore, type PinStore } from '../../../src/store/store.js';
import { cidV1, opId } from '../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';

let ks: TestKeyspace;
let store: PinStore;
/** Every logged batch the store sent, as its statements. */
const batches: Array<readonly Statement[]> = [];

beforeAll(async () => {
  // A small batch budget, so a hundred pins of one shard need several chunks.
  ks = await freshStore('store_batches', { scylladb: { max_batch_bytes: 16_384 } });
  const session = ks.store.session;
  store = await createStore({
    config: ks.config.scylla,
    session: {
      ...session,
      batchLogged: async (statements, opts) => {
        batches.push(statements);
        await session.batchLogged(statements, opts);
      },
    },
  });
});
afterAll(async () => {
  await store?.close();
  await ks?.cleanup();
});

const statsRows = (b: readonly Statement[]): number => b.filter((s) => s.query === CQL.upsertStats).length;

/** `n` CIDs of each of `shards`, none used before in this file. */
let seed = 0;
function cidsOfShards(shards: readonly number[], n: number): Map<number, string[]> {
  const out = new Map<number, string[]>(shards.map((s) => [s, []]));
  while ([...out.values()].some((l) => l.length < n)) {
    const cid = cidV1(`batches-${seed++}`);
    const l = out.get(store.shardOf(cid));
    if (l !== undefined && l.length < n) l.push(cid);
  }
  return out;
}

async function countLivePins(): Promise<number> {
  let n = 0;
  for await (const page of store.listPages()) n += page.length;
  return n;
}

describe('logged batches of a commit', () => {
  it('a small commit over many shards is one logged batch carrying every shard’s stats row', async () => {
    const shards = [0, 1, 2, 3, 4, 5, 6, 7];
    const cids = [...cidsOfShards(shards, 1).values()].flat();
    batches.length = 0;
    const r = await store.apply(cids.map(upsert));
    expect(r.applied).toBe(8);
    expect(batches).toHaveLength(1);
    expect(statsRows(batches[0]!)).toBe(8);
    expect(batches[0]!.filter((s) => s.query === CQL.upsertPin)).toHaveLength(8);
    expect((await store.stats()).pins).toBe(8);
  });

  it('a shard with more rows than one batch holds writes its chunks one by one; the small shards still share a batch; stats stay exact', async () => {
    const big = cidsOfShards([2], 100).get(2)!;
    const small = [...cidsOfShards([0, 5, 7], 1).values()].flat();
    batches.length = 0;
    const r = await store.apply([...big, ...small].map(upsert));
    expect(r.applied).toBe(103);
    const bigBatches = batches.filter((b) => b.some((s) => s.query === CQL.upsertStats && s.params[0] === 2));
    expect(bigBatches.length).toBeGreaterThan(1);
    // Shard 2's chunks never share a batch with another shard; shards 0, 5 and 7 share one.
    for (const b of bigBatches) expect(statsRows(b)).toBe(1);
    const shared = batches.filter((b) => !bigBatches.includes(b));
    expect(shared).toHaveLength(1);
    expect(statsRows(shared[0]!)).toBe(3);
    const stats = await store.stats();
    expect(stats.pins).toBe(8 + 103);
    expect(await countLivePins()).toBe(8 + 103);
  });

  it('deletes across shards in one commit keep every shard’s count exact', async () => {
    const cids = [...cidsOfShards([1, 3, 4, 6], 2).values()].flat();
    await store.apply(cids.map(upsert));
    const before = (await store.stats()).pins;
    batches.length = 0;
    const r = await store.apply(cids.slice(0, 5).map(del));
    expect(r.applied).toBe(5);
    expect(batches).toHaveLength(1);
    expect((await store.stats()).pins).toBe(before - 5);
    expect(await countLivePins()).toBe(before - 5);
  });
});

const upsert = (cid: string): StoreOp => upsertOp(opId(), { cid, name: `pin of ${cid.slice(-6)}` });
const del = (cid: string): StoreOp => deleteOp(opId(), cid);
