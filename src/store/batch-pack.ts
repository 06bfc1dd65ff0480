/**
 * Which per-shard chunks go into which logged batch, and in what order. Pure.
 *
 * A chunk is one shard's core rows under the batch budget; its logged batch also carries the
 * shard's cumulative pin_stats row, so a shard's chunk k must never be applied before its chunk
 * k − 1. That is the only ordering rule: shards are independent, and one logged batch may carry
 * several shards' chunks and stats rows (it is atomic across partitions).
 *
 * So a shard with several chunks (a backlog) keeps its own lane of batches, one after another,
 * in parallel with the other lanes. The shards with a single chunk — every shard of a small,
 * jointly committed fetch — are packed together under the budget: a fetch that touched eight
 * shards with a few ops each is one logged batch and one batchlog write, not eight.
 */

export interface ShardChunk<C> {
  readonly shard: number;
  readonly chunk: C;
}

/** Batches sent one after another; each batch is written as one logged batch. */
export type Lane<C> = ReadonlyArray<ReadonlyArray<ShardChunk<C>>>;

export interface PackOptions<C> {
  /** Estimated bytes of a chunk's core rows. */
  readonly sizeOf: (chunk: C) => number;
  /** Bytes a logged batch may hold (scylladb.max_batch_bytes). */
  readonly budget: number;
  /** Bytes each shard's stats row adds to a batch. */
  readonly statsBytes: number;
}

/**
 * Lanes for the chunks of each shard (shards in the given order, each shard's chunks in order).
 * Every chunk appears in exactly one batch; a shard's chunks stay in order within one lane.
 */
export function packLanes<C>(byShard: ReadonlyArray<{ readonly shard: number; readonly chunks: readonly C[] }>, o: PackOptions<C>): Array<Lane<C>> {
  const lanes: Array<Lane<C>> = [];
  let open: Array<ShardChunk<C>> = [];
  let openBytes = 0;
  for (const { shard, chunks } of byShard) {
    if (chunks.length === 0) continue;
    if (chunks.length > 1) {
      lanes.push(chunks.map((chunk) => [{ shard, chunk }]));
      continue;
    }
    const chunk = chunks[0]!;
    const bytes = o.sizeOf(chunk) + o.statsBytes;
    if (open.length > 0 && openBytes + bytes > o.budget) {
      lanes.push([open]);
      open = [];
      openBytes = 0;
    }
    open.push({ shard, chunk });
    openBytes += bytes;
  }
  if (open.length > 0) lanes.push([open]);
  return lanes;
}
