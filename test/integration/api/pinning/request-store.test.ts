/** cqlRequestStore on the real Cassandra: rows across hour partitions, newest first, ranges, CID refs, removal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { US_PER_HOUR } from '../../../../src/api/pinning/created-time.js';
import { cqlRequestStore, type PsaRequest, type PsaRequestStore } from '../../../../src/api/pinning/index.js';
import { cidV0, cidV1 } from '../../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../../support/store.js';

let ks: TestKeyspace;
let store: PsaRequestStore;
const BASE = 1_780_000_000 * 1_000_000;

const request = (n: number, createdUs: number, owner = 'alice', cid = cidV1(`rs-${n}`)): PsaRequest => ({
  requestId: `req-${n}`,
  owner,
  createdUs,
  cid,
  name: n % 2 === 0 ? `name-${n}` : undefined,
  meta: { n: String(n) },
  origins: [],
});

beforeAll(async () => {
  ks = await freshStore('psa_reqs');
  // A page size of 2 makes every hour partition span pages.
  store = cqlRequestStore(ks.store.session, 2);
});
afterAll(async () => {
  await ks?.cleanup();
});

const ids = async (owner: string, range = {}): Promise<string[]> => {
  const out: string[] = [];
  for await (const r of store.scanOwner(owner, range)) out.push(r.requestId);
  return out;
};

describe('psa_* tables', () => {
  it('round-trips a request; scans one owner newest first across hours and pages; ranges are exclusive', async () => {
    const times = [BASE, BASE + 10, BASE + US_PER_HOUR + 5, BASE + US_PER_HOUR + 6, BASE + US_PER_HOUR + 7, BASE + 3 * US_PER_HOUR];
    for (const [i, t] of times.entries()) await store.put(request(i, t));
    await store.put(request(99, BASE + 20, 'bob', cidV1('rs-1')));
    expect(await store.get('req-2')).toEqual(request(2, times[2]!));
    expect(await store.get('req-1')).toEqual(request(1, times[1]!));
    expect(await store.get('nope')).toBeUndefined();
    expect(await ids('alice')).toEqual(['req-5', 'req-4', 'req-3', 'req-2', 'req-1', 'req-0']);
    expect(await ids('bob')).toEqual(['req-99']);
    expect(await ids('alice', { beforeUs: times[4] })).toEqual(['req-3', 'req-2', 'req-1', 'req-0']);
    expect(await ids('alice', { afterUs: times[1], beforeUs: times[5] })).toEqual(['req-4', 'req-3', 'req-2']);
    expect(await ids('alice', { afterUs: times[5] })).toEqual([]);
  });

  it('refsOf lists every owner’s requests for a CID; remove takes all four rows away', async () => {
    const refs = await store.refsOf(cidV1('rs-1'));
    expect(refs.map((r) => [r.requestId, r.owner]).sort()).toEqual([['req-1', 'alice'], ['req-99', 'bob']]);
    await store.remove((await store.get('req-1'))!);
    expect(await store.get('req-1')).toBeUndefined();
    expect((await store.refsOf(cidV1('rs-1'))).map((r) => r.requestId)).toEqual(['req-99']);
    expect(await ids('alice')).not.toContain('req-1');
    await store.put(request(7, BASE + 30, 'alice', cidV0('rs-v0')));
    expect((await store.get('req-7'))?.cid).toBe(cidV0('rs-v0'));
  });
});
