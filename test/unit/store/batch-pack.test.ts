import { describe, expect, it } from 'vitest';
import { packLanes } from '../../../src/store/batch-pack.js';

/** A chunk is its size in bytes, with a name to follow it. */
interface C {
  readonly name: string;
  readonly bytes: number;
}
const c = (name: string, bytes: number): C => ({ name, bytes });
const opts = { sizeOf: (x: C) => x.bytes, budget: 1000, statsBytes: 100 };
/** Lanes as names: lane → batch → "shard:chunk". */
const names = (lanes: ReturnType<typeof packLanes<C>>): string[][][] => lanes.map((lane) => lane.map((batch) => batch.map((sc) => `${sc.shard}:${sc.chunk.name}`)));

describe('packLanes', () => {
  it('packs single-chunk shards into one logged batch while they fit', () => {
    const lanes = packLanes(
      [
        { shard: 3, chunks: [c('a', 200)] },
        { shard: 7, chunks: [c('b', 200)] },
        { shard: 1, chunks: [c('c', 200)] },
      ],
      opts,
    );
    expect(names(lanes)).toEqual([[['3:a', '7:b', '1:c']]]);
  });

  it('starts a new batch when the next shard would pass the budget (stats rows counted)', () => {
    // 300 + 100 each: two fit in 1000 (800), a third would be 1200.
    const lanes = packLanes(
      [
        { shard: 0, chunks: [c('a', 300)] },
        { shard: 1, chunks: [c('b', 300)] },
        { shard: 2, chunks: [c('c', 300)] },
      ],
      opts,
    );
    expect(names(lanes)).toEqual([[['0:a', '1:b']], [['2:c']]]);
  });

  it('gives a shard with several chunks its own lane, in order, and never mixes its chunks into packed batches', () => {
    const lanes = packLanes(
      [
        { shard: 5, chunks: [c('a1', 800), c('a2', 800), c('a3', 10)] },
        { shard: 6, chunks: [c('b', 10)] },
        { shard: 9, chunks: [c('d', 10)] },
      ],
      opts,
    );
    expect(names(lanes)).toEqual([[['5:a1'], ['5:a2'], ['5:a3']], [['6:b', '9:d']]]);
  });

  it('sends a chunk larger than the budget alone, and keeps every chunk exactly once', () => {
    const input = [
      { shard: 0, chunks: [c('small', 50)] },
      { shard: 1, chunks: [c('huge', 5000)] },
      { shard: 2, chunks: [c('small2', 50)] },
      { shard: 4, chunks: [] },
    ];
    const lanes = packLanes(input, opts);
    expect(names(lanes)).toEqual([[['0:small']], [['1:huge']], [['2:small2']]]);
    const all = lanes.flat(2).map((sc) => sc.chunk.name).sort();
    expect(all).toEqual(['huge', 'small', 'small2']);
  });

  it('no shards, no lanes', () => {
    expect(packLanes([], opts)).toEqual([]);
  });
});
