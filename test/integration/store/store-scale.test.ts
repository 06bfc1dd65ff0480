import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertOp } from '../../../src/store/ops.js';
import { cidV1 } from '../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';

const N = 100_000;
let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('store_scale', { scylladb: { page_size: 100 } });
});
afterAll(async () => {
  await ks?.cleanup();
});

describe('list at scale', () => {
  it(`returns exactly the ${N.toLocaleString('en')} pins written, with page_size 100: none missing, none twice`, async () => {
    const cids = Array.from({ length: N }, (_, i) => cidV1(`scale-${i}`));
    const batches: Promise<unknown>[] = [];
    for (let i = 0; i < N; i += 1000) {
      batches.push(ks.store.apply(cids.slice(i, i + 1000).map((cid, j) => upsertOp(`scale-${i + j}`, { cid }, { ts: 1_700_000_000_000 + i + j }))));
      if (batches.length >= 4) await Promise.all(batches.splice(0));
    }
    await Promise.all(batches);
    expect((await ks.store.stats()).pins).toBe(N);

    const seen = new Set<string>();
    let rows = 0;
    for await (const pin of ks.store.list()) {
      rows++;
      seen.add(pin.spec.cid);
    }
    expect(rows).toBe(N);
    expect(seen.size).toBe(N);
    expect(cids.every((c) => seen.has(c))).toBe(true);
  });
});
