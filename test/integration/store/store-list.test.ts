/**
 * list() scans pins_by_cid in token ranges, page by page; a CID's placement is in its pin's row.
 * With pages of 7 rows, pins without placements, and rows holding a placement but no pin (a
 * deleted pin whose peers still unpin, or written by hand here), must neither be listed nor shift
 * or drop anyone's placement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placementOp, upsertOp, deleteOp } from '../../../src/store/ops.js';
import type { StoredPin } from '../../../src/store/reads.js';
import { parseCid } from '../../../src/domain/cid.js';
import { cidV1 } from '../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';

const N = 1500;
let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('store_list', { scylladb: { page_size: 7 } });
});
afterAll(async () => {
  await ks?.cleanup();
});

describe('list() returns pins with their placements', () => {
  it('every pin once, each with exactly its own placement (or none), across pages and orphan placements', async () => {
    const cids = Array.from({ length: N }, (_, i) => cidV1(`list-${i}`));
    const peersOf = (i: number): string[] => [`12D3KooWlist${i % 5}`, `12D3KooWlist${(i % 5) + 5}`];
    const ops = cids.flatMap((cid, i) => {
      const up = upsertOp(`up-${i}`, { cid }, { ts: 1_700_000_000_000 + i });
      // Two pins in three have a placement; every tenth pin is deleted again after its placement.
      const place = i % 3 === 0 ? [] : [placementOp(`pl-${i}`, cid, peersOf(i), { ts: 1_700_000_000_000 + i + 1 })];
      const del = i % 10 === 1 ? [deleteOp(`del-${i}`, cid, { ts: 1_700_000_000_000 + i + 2 })] : [];
      return [up, ...place, ...del];
    });
    for (let i = 0; i < ops.length; i += 500) await ks.store.apply(ops.slice(i, i + 500));
    // Orphan placements (rows with placement cells and no pin at all) between the pins' tokens.
    const orphans = Array.from({ length: 200 }, (_, i) => cidV1(`orphan-${i}`));
    for (const cid of orphans) {
      await ks.store.session.execute(
        'UPDATE pins_by_cid SET placement_desired = ?, placement_actual = ?, placement_errors = ?, placement_updated_at = ?, placement_last_op_id = ?, placement_write_ts = ? WHERE cid_bin = ?',
        [['12D3KooWorphan'], { '12D3KooWorphan': 'pinned' }, {}, new Date(1_700_000_000_000), 'orphan', 1, Buffer.from(parseCid(cid).bytes)],
      );
    }

    const listed = new Map<string, StoredPin>();
    let rows = 0;
    for await (const pin of ks.store.list({ splits: 16, concurrency: 4 })) {
      rows++;
      listed.set(pin.spec.cid, pin);
    }
    const live = cids.filter((_, i) => i % 10 !== 1);
    expect(rows).toBe(live.length);
    expect(listed.size).toBe(live.length);
    let withPlacement = 0;
    for (const cid of live) {
      const got = listed.get(cid);
      expect(got, cid).toBeDefined();
      const one = await ks.store.get(cid);
      expect(got!.placement, cid).toEqual(one.placement);
      // Exactly what was written for this pin, not only what get() reads through the same mapping.
      const i = cids.indexOf(cid);
      expect(got!.spec.cid).toBe(cid);
      if (i % 3 === 0) expect(got!.placement, cid).toBeNull();
      else {
        expect(got!.placement?.desired, cid).toEqual([...peersOf(i)].sort());
        expect(Object.keys(got!.placement?.actual ?? {}).sort(), cid).toEqual([...peersOf(i)].sort());
        expect(got!.placement?.lastOpId, cid).toBe(`pl-${i}`);
      }
      if (got!.placement) withPlacement++;
    }
    expect(withPlacement).toBe(live.filter((c) => cids.indexOf(c) % 3 !== 0).length);
    for (const cid of orphans) expect(listed.has(cid)).toBe(false);

    // Page by page gives the same pins.
    let paged = 0;
    for await (const page of ks.store.listPages({ splits: 3 })) paged += page.length;
    expect(paged).toBe(live.length);
  });
});
