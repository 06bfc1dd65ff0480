import { describe, expect, it } from 'vitest';
import { parseApiPin, type ClusterPin } from '../../../src/cluster/index.js';
import { comparePinsets, type ExpectedItem, type Issue } from '../../../src/migrate/compare.js';
import { CidHashSet } from '../../../src/migrate/hash-set.js';
import { diffPins, VerifyTally } from '../../../src/cluster/pin-diff.js';
import { memoryState } from './helpers.js';

const PEER_A = '12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv';
const PEER_B = '12D3KooWGHTKzeT4KaLGLrbKKyT8zKrBPXAUBRzCAN6ZMDMo4M6M';
const CIDS = ['QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6', 'QmUaFyXjZUNaUwYF8rBtbJc7fEJ46aJXvgV8z2HHs6jvmJ', 'QmP63DkAFEnDYNjDYBpyNDfttu1fvUw99x1brscPzpqmmq', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', 'QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB'];

function pin(cid: string, extra: Record<string, unknown> = {}): ClusterPin {
  return parseApiPin({ cid, type: 'pin', max_depth: -1, replication_factor_min: 1, replication_factor_max: 2, name: 'n', allocations: [PEER_A], timestamp: '2024-01-01T00:00:00Z', ...extra });
}

describe('pin diff', () => {
  it('equal pins have no differences, whatever the spelling of the input', () => {
    const a = pin(CIDS[0]!, { allocations: [PEER_B, PEER_A], timestamp: '2024-01-01T01:00:00.9+01:00' });
    const b = pin(CIDS[0]!, { allocations: [PEER_A, PEER_B], user_allocations: [PEER_A] });
    expect(diffPins(a, b)).toEqual([]);
  });

  it('names each differing field with both values, in api.Pin key order', () => {
    const a = pin(CIDS[0]!, { metadata: { k: 'v' }, expire_at: '2030-01-01T00:00:00Z' });
    const b = pin(CIDS[0]!, { name: 'm', allocations: [PEER_B], metadata: { k: 'w' } });
    expect(diffPins(a, b)).toEqual([
      { field: 'name', expected: 'n', actual: 'm' },
      { field: 'expire_at', expected: '2030-01-01T00:00:00Z', actual: '0001-01-01T00:00:00Z' },
      { field: 'metadata', expected: { k: 'v' }, actual: { k: 'w' } },
      { field: 'allocations', expected: [PEER_A], actual: [PEER_B] },
    ]);
  });

  it('the tally counts each kind, per field, and keeps a bounded sample', () => {
    const t = new VerifyTally(1);
    t.compare(pin(CIDS[0]!), pin(CIDS[0]!));
    t.compare(pin(CIDS[1]!), null);
    t.compare(pin(CIDS[2]!), null);
    t.compare(pin(CIDS[3]!, { name: 'x' }), pin(CIDS[3]!));
    t.extra(CIDS[4]!);
    t.unreadable(7, 'bad');
    const r = t.report();
    expect(r).toMatchObject({ equal: false, expected: 4, matching: 1, missing: 2, extra: 1, differing: 1, unreadable: 1, fields: { name: 1 } });
    expect(r.samples.missing).toEqual([CIDS[1]]);
    expect(r.samples.differing[0]!.cid).toBe(CIDS[3]);
    expect(new VerifyTally().report().equal).toBe(true);
  });
});

describe('comparing two pinsets without holding them', () => {
  const items = (pins: ClusterPin[]): AsyncIterable<ExpectedItem> =>
    (async function* () {
      for (const p of pins) yield { ok: true as const, pin: p };
      yield { ok: false as const, line: 99, reject: { message: 'not a pin' } };
    })();

  it('finds missing, extra and differing pins and reports each to onIssue', async () => {
    const actual = memoryState([pin(CIDS[0]!), pin(CIDS[2]!, { replication_factor_max: 3 }), pin(CIDS[4]!)]);
    const issues: Issue[] = [];
    const report = await comparePinsets(items([pin(CIDS[0]!), pin(CIDS[1]!), pin(CIDS[2]!)]), { get: async (c) => (await actual.has(c) ? actual.get(c) : null), list: () => actual.list() }, { concurrency: 2, onIssue: (i) => void issues.push(i) });
    expect(report).toMatchObject({ equal: false, expected: 3, matching: 1, missing: 1, extra: 1, differing: 1, unreadable: 1 });
    expect(report.samples).toMatchObject({ missing: [CIDS[1]], extra: [CIDS[4]], unreadable: [{ line: 99, message: 'not a pin' }] });
    expect(report.samples.differing[0]!.fields.map((f) => f.field)).toEqual(['replication_factor_max']);
    expect(issues.map((i) => `${i.kind} ${i.cid}`).sort()).toEqual([`differing ${CIDS[2]}`, `extra ${CIDS[4]}`, `missing ${CIDS[1]}`]);
  });

  it('counts CIDs listed twice', async () => {
    const actual = memoryState([pin(CIDS[0]!)]);
    const report = await comparePinsets(
      (async function* () {
        yield { ok: true as const, pin: pin(CIDS[0]!) };
        yield { ok: true as const, pin: pin(CIDS[0]!) };
      })(),
      { get: async (c) => (await actual.has(c) ? actual.get(c) : null), list: () => actual.list() },
    );
    expect(report).toMatchObject({ equal: true, duplicates: 1, expected: 2 });
  });

  it('a failing lookup fails the comparison', async () => {
    await expect(comparePinsets(items([pin(CIDS[0]!)]), { get: () => Promise.reject(new Error('db down')), list: () => memoryState().list() })).rejects.toThrow('db down');
  });
});

describe('CID hash set', () => {
  it('adds, finds and grows, at about 16 bytes per CID', () => {
    const set = new CidHashSet(16);
    let added = 0;
    for (let i = 0; i < 100_000; i++) if (set.add(`cid-${i}`)) added++;
    expect(added).toBe(100_000);
    expect(set.add('cid-5')).toBe(false);
    expect(set.size).toBe(100_000);
    let found = 0;
    for (let i = 0; i < 100_000; i++) if (set.has(`cid-${i}`)) found++;
    expect(found).toBe(100_000);
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++) if (set.has(`other-${i}`)) falsePositives++;
    expect(falsePositives).toBe(0);
    expect(set.bytes / set.size).toBeLessThan(22);
  });
});
