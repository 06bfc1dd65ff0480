import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterState } from '../../../src/adapter/cluster-state.js';
import { NotFoundError } from '../../../src/errors.js';
import { packageRoot } from '../../../src/paths.js';
import { cidV1 } from '../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';

let a: TestKeyspace;
let b: TestKeyspace;
beforeAll(async () => {
  [a, b] = await Promise.all([freshStore('cstate_a'), freshStore('cstate_b')]);
});
afterAll(async () => {
  await Promise.all([a?.cleanup(), b?.cleanup()]);
});

async function* chunks(text: string): AsyncGenerator<string> {
  yield text;
}

async function marshal(state: ReturnType<typeof createClusterState>): Promise<string> {
  const chunks: string[] = [];
  await state.marshal({ write: (c: string) => chunks.push(c) });
  return chunks.sort().join('');
}

describe('IPFS Cluster state adapter', () => {
  it('has IPFS Cluster semantics: rm of a missing pin is fine, get of one is NotFoundError', async () => {
    const state = createClusterState(a.store);
    await expect(state.rm(cidV1('absent'))).resolves.toBeUndefined();
    await expect(state.get(cidV1('absent'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(state.get(cidV1('absent'))).rejects.toThrow('pin is not part of the pinset');
    expect(await state.has(cidV1('absent'))).toBe(false);
  });

  it('marshal → unmarshal into an empty keyspace → marshal gives the same NDJSON', async () => {
    const fixture = readFileSync(join(packageRoot(), 'test/fixtures/cluster/export-v1.ndjson'), 'utf8');
    const stateA = createClusterState(a.store);
    const imported = await stateA.unmarshal(chunks(fixture));
    expect(imported.errors).toEqual([]);
    expect(imported.added).toBeGreaterThan(3);
    const first = await marshal(stateA);
    expect(first.split('\n').filter(Boolean)).toHaveLength(imported.added);

    const stateB = createClusterState(b.store);
    const again = await stateB.unmarshal(chunks(first));
    expect(again.errors).toEqual([]);
    expect(await marshal(stateB)).toBe(first);
    // Unmarshalling the same stream twice is a no-op (content-derived op ids).
    const before = await b.store.stats();
    await stateB.unmarshal(chunks(first));
    expect(await b.store.stats()).toEqual(before);
  });
});
