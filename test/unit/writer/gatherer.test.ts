import { describe, expect, it } from 'vitest';
import { Gatherer } from '../../../consumers/writer/gatherer.js';

/** A gatherer over numbers (each item's size is its value) that records the groups it ran. */
function harness(maxOps: number, soloOps: number) {
  const groups: number[][] = [];
  let flushes: Array<() => void> = [];
  const g = new Gatherer<number, string>({
    maxOps,
    soloOps,
    sizeOf: (n) => n,
    run: (items) => {
      groups.push([...items]);
      return Promise.resolve(items.map((n) => `done ${n}`));
    },
    defer: (fn) => void flushes.push(fn),
  });
  const endOfTurn = (): void => {
    const fns = flushes;
    flushes = [];
    for (const fn of fns) fn();
  };
  return { g, groups, endOfTurn };
}

describe('Gatherer', () => {
  it('runs the items submitted in one turn as one group, each caller getting its own result', async () => {
    const h = harness(100, 50);
    const results = [h.g.submit(3), h.g.submit(4), h.g.submit(5)];
    expect(h.groups).toEqual([]);
    h.endOfTurn();
    expect(await Promise.all(results)).toEqual(['done 3', 'done 4', 'done 5']);
    expect(h.groups).toEqual([[3, 4, 5]]);
  });

  it('never puts more than maxOps operations in one group', async () => {
    const h = harness(10, 50);
    const results = [h.g.submit(4), h.g.submit(4), h.g.submit(4), h.g.submit(2)];
    h.endOfTurn();
    await Promise.all(results);
    expect(h.groups).toEqual([[4, 4], [4, 2]]);
  });

  it('a chunk of soloOps or more runs alone at once (a backlog keeps per-partition parallelism)', async () => {
    const h = harness(100, 50);
    const small = h.g.submit(3);
    expect(await h.g.submit(60)).toBe('done 60');
    expect(h.groups).toEqual([[60]]);
    h.endOfTurn();
    expect(await small).toBe('done 3');
    expect(h.groups).toEqual([[60], [3]]);
  });

  it('soloOps 0 (joint commit off): every chunk alone', async () => {
    const h = harness(100, 0);
    await Promise.all([h.g.submit(1), h.g.submit(2)]);
    expect(h.groups).toEqual([[1], [2]]);
  });

  it('a later turn starts a new group', async () => {
    const h = harness(100, 50);
    const a = h.g.submit(1);
    h.endOfTurn();
    await a;
    const b = h.g.submit(2);
    h.endOfTurn();
    await b;
    expect(h.groups).toEqual([[1], [2]]);
  });

  it('a group that fails rejects every caller of that group only', async () => {
    const groups: number[][] = [];
    let flush: () => void = () => undefined;
    const g = new Gatherer<number, string>({
      maxOps: 5,
      soloOps: 50,
      sizeOf: (n) => n,
      run: (items) => {
        groups.push([...items]);
        return items.includes(3) ? Promise.reject(new Error('boom')) : Promise.resolve(items.map(String));
      },
      defer: (fn) => void (flush = fn),
    });
    const first = g.submit(3);
    const second = g.submit(4); // over maxOps: the first group is flushed now
    const firstOutcome = first.then(() => 'ok', (e: unknown) => (e as Error).message);
    flush();
    expect(await firstOutcome).toBe('boom');
    expect(await second).toBe('4');
    expect(groups).toEqual([[3], [4]]);
  });
});
