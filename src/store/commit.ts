/**
 * Applying a list of ops: dedup (and, at the same time, read core rows) → plan per CID → write.
 * For each pin_stats shard, CIDs are written in chunks: every chunk's derived rows are sent at
 * once (idempotent, concurrent), then the chunks' logged batches — core rows, op_dedup rows and
 * the shard's new stats row — one after another, each after its own chunk's derived rows.
 * Different shards run in parallel, and shards with one small chunk each share logged batches
 * (batch-pack.ts).
 */
import pLimit from 'p-limit';
import { parseCid, type ParsedCid } from '../domain/cid.js';
import { prefixPartition } from '../domain/partition.js';
import type { Logger } from '../log.js';
import { CQL } from './cql.js';
import { planCid, type CidPlan } from './plan.js';
import { addCounts, cidOfOp, emptyCounts, eventKindOf, type OpResult, type StatsCounts, type StoreOp } from './records.js';
import { cidStateFromRow, fromLong, sourceText } from './rows.js';
import type { CqlRow, CqlSession, Statement } from './session.js';
import { packLanes, type Lane } from './batch-pack.js';
import { BucketBits } from './bucket-bits.js';
import { readByKeys, writeGrouped } from './bulk.js';
import { opDigest } from './op-digest.js';
import { digestOfBody, estimateBytes, eventIdOf, outputsFromEventRow, outputsFromRow, statementsForPlan, statsStatement, type WriteContext } from './writes.js';

export interface CommitContext extends WriteContext {
  readonly session: CqlSession;
  readonly statsShards: number;
  readonly maxBatchBytes: number;
  readonly maxConcurrency: number;
  readonly logger: Logger;
}

export interface CommitResult {
  /** One result per op, in input order. */
  readonly results: readonly OpResult[];
  readonly applied: number;
  readonly rejected: number;
  readonly duplicates: number;
  readonly redelivered: number;
}

/** Each CID contributes at most this many ops to one planning round, bounding one CID's core rows per batch. */
const MAX_OPS_PER_CID_PER_ROUND = 4;

interface ShardStats {
  counts: StatsCounts;
  ts: number;
}

export function statsShardOf(mhPrefix: number, shards: number): number {
  return prefixPartition(mhPrefix, shards);
}

/** Serialises work per shard inside this process (ops on one CID must not be planned concurrently). */
export class ShardLocks {
  private readonly tails = new Map<number, Promise<void>>();

  async withShards<T>(shards: readonly number[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(shards)].sort((a, b) => a - b);
    const releases: Array<() => void> = [];
    for (const shard of sorted) {
      const prev = this.tails.get(shard) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const tail = prev.then(() => mine);
      this.tails.set(shard, tail);
      releases.push(() => {
        release();
        if (this.tails.get(shard) === tail) this.tails.delete(shard);
      });
      await prev;
    }
    try {
      return await fn();
    } finally {
      for (const r of releases) r();
    }
  }
}

interface StoredDedup {
  readonly digest: string;
  readonly source: string;
  readonly outputs: Buffer | null;
}

export class Committer {
  private readonly stats = new Map<number, ShardStats>();
  /** peer_buckets rows this process already wrote (statementsForPlan builds no statement for them). */
  private readonly writtenOnce: BucketBits;
  readonly locks = new ShardLocks();
  /**
   * scylladb.max_concurrency bounds the process's in-flight requests, so all commits share one
   * limiter (a limiter per commit let 16 concurrent commits put 16 × 128 requests in flight).
   */
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(private readonly ctx: CommitContext) {
    this.limit = pLimit(ctx.maxConcurrency);
    this.writtenOnce = new BucketBits(ctx.peerBucketBits);
  }

  /** Forget cached stats (after a failure, or when shard ownership may have moved). */
  invalidate(shards?: readonly number[]): void {
    if (shards) for (const s of shards) this.stats.delete(s);
    else this.stats.clear();
  }

  shardOfCid(cid: string): number {
    return statsShardOf(parseCid(cid).mhPrefix, this.ctx.statsShards);
  }

  /**
   * `beforeSend` (optional) runs before every write request is sent, retries included; a throw
   * stops the commit unsent from there on (the writer's fence, consumers/writer/chunk-processor.ts).
   */
  async commit(ops: readonly StoreOp[], beforeSend?: () => void): Promise<CommitResult> {
    if (ops.length === 0) return { results: [], applied: 0, rejected: 0, duplicates: 0, redelivered: 0 };
    // A batch names each CID several times (upsert, placement, acks): parse each once.
    const parsed = new Map<string, ParsedCid>();
    const parse = (text: string): ParsedCid => {
      let p = parsed.get(text);
      if (p === undefined) parsed.set(text, (p = parseCid(text)));
      return p;
    };
    const shards = ops.map((op) => statsShardOf(parse(cidOfOp(op.body)).mhPrefix, this.ctx.statsShards));
    return this.locks.withShards(shards, async () => {
      try {
        return await this.commitLocked(ops, parse, beforeSend);
      } catch (err: unknown) {
        this.invalidate(shards);
        throw err;
      }
    });
  }

  private async commitLocked(ops: readonly StoreOp[], parse: (cid: string) => ParsedCid, beforeSend: (() => void) | undefined): Promise<CommitResult> {
    const { session } = this.ctx;
    const limit = this.limit;
    const results: Array<OpResult | undefined> = new Array<OpResult | undefined>(ops.length);
    const digests = ops.map((op) => digestOfBody(op.body));
    const indexOf = new Map(ops.map((op, i) => [op, i]));
    const digestOf = (op: StoreOp): string => digests[indexOf.get(op)!]!;

    // 1. Dedup inside the batch: the first op with an id wins.
    const firstIndex = new Map<string, number>();
    ops.forEach((op, i) => {
      const first = firstIndex.get(op.opId);
      if (first === undefined) firstIndex.set(op.opId, i);
      else results[i] = digests[first] === digests[i] ? duplicate(op) : conflict(op);
    });

    // 2. Dedup against op_dedup. The core rows of the batch's CIDs are read at the same time (the
    // shard locks keep them still), so the first planning round waits one round trip, not two.
    const uniques = [...firstIndex.values()];
    const uniqueCids = [...new Set(uniques.map((i) => cidOfOp(ops[i]!.body)))].map(parse);
    const [dedupRows, prefetched] = await Promise.all([
      readByKeys(session, CQL.selectDedupIn, uniques.map((i) => ops[i]!.opId), (row) => row['op_id'] as string, limit),
      this.readCore(uniqueCids, limit),
    ]);
    const stored = uniques.map((i): StoredDedup | null => {
      const row = dedupRows.get(ops[i]!.opId);
      return row ? { digest: row['digest'] as string, source: row['source'] as string, outputs: row['outputs'] as Buffer | null } : null;
    });
    const fresh: number[] = [];
    const fromEventRows: number[] = [];
    uniques.forEach((i, k) => {
      const seen = stored[k];
      const op = ops[i]!;
      if (!seen) fresh.push(i);
      // Matched under the stored row's digest version: a row from an older release still matches.
      else if (!opDigest.matches(seen.digest, op.body)) results[i] = conflict(op);
      else if (op.source !== null && seen.source === sourceText(op.source)) {
        // The same Kafka message again (a crash before its offset was committed): re-publish what
        // the row kept (rows from before schema 5, odd outputs), else what the op's event row holds.
        if (seen.outputs !== null) results[i] = { op, outcome: 'redelivered', reason: null, message: null, ...outputsFromRow(op, seen.outputs) };
        else fromEventRows.push(i);
      } else results[i] = duplicate(op);
    });
    await Promise.all(
      fromEventRows.map((i) =>
        limit(async () => {
          const op = ops[i]!;
          const row = (await session.execute(CQL.selectEventOutputs, [Buffer.from(parse(cidOfOp(op.body)).bytes), eventIdOf(op.opId, op.ts)])).rows[0];
          if (row === undefined) this.ctx.logger.warn({ opId: op.opId }, 'redelivered op has no event row: nothing to re-publish');
          results[i] = { op, outcome: 'redelivered', reason: null, message: null, ...outputsFromEventRow(op, row) };
        }),
      ),
    );

    // 3. Plan in rounds: each CID contributes a bounded number of ops per round, in log order.
    const byCid = new Map<string, number[]>();
    for (const i of fresh) {
      const cid = cidOfOp(ops[i]!.body);
      const list = byCid.get(cid);
      if (list) list.push(i);
      else byCid.set(cid, [i]);
    }
    for (let first = true; byCid.size > 0; first = false) {
      const round = new Map<string, number[]>();
      for (const [cid, idx] of byCid) {
        round.set(cid, idx.splice(0, MAX_OPS_PER_CID_PER_ROUND));
        if (idx.length === 0) byCid.delete(cid);
      }
      // Later rounds see the rows the earlier ones wrote: read them again.
      const entries = [...round].map(([text, idx]) => ({ cid: parse(text), idx }));
      const rows = first ? prefetched : await this.readCore(entries.map((e) => e.cid), limit);
      const plans = entries.map(({ cid, idx }) => {
        const hex = Buffer.from(cid.bytes).toString('hex');
        return planCid(cidStateFromRow(cid, rows.get(hex)), idx.map((i) => ops[i]!));
      });
      for (const plan of plans) for (const r of plan.results) results[indexOf.get(r.op)!] = r;
      await this.writePlans(plans, limit, digestOf, beforeSend);
    }

    const final = results.map((r, i) => r ?? duplicate(ops[i]!));
    return {
      results: final,
      applied: final.filter((r) => r.outcome === 'applied').length,
      rejected: final.filter((r) => r.outcome === 'rejected').length,
      duplicates: final.filter((r) => r.outcome === 'duplicate').length,
      redelivered: final.filter((r) => r.outcome === 'redelivered').length,
    };
  }

  /** The pins_by_cid rows (pin and placement) of `cids`, keyed by hex cid_bin (missing rows are absent). */
  private async readCore(cids: readonly ParsedCid[], limit: ReturnType<typeof pLimit>): Promise<Map<string, CqlRow>> {
    if (cids.length === 0) return new Map();
    const keys = cids.map((c) => Buffer.from(c.bytes));
    const hexOf = (row: CqlRow): string => (row['cid_bin'] as Buffer).toString('hex');
    return readByKeys(this.ctx.session, CQL.selectCoresIn, keys, hexOf, limit);
  }

  private async loadStats(shard: number): Promise<ShardStats> {
    const cached = this.stats.get(shard);
    if (cached) return cached;
    const row = (await this.ctx.session.execute(CQL.selectStats, [shard])).rows[0];
    const counts = emptyCounts();
    if (row) {
      counts.pins = fromLong(row['pins']);
      for (const [state, n] of Object.entries((row['placements'] as Record<string, unknown> | null) ?? {})) counts.placements[state] = fromLong(n);
    }
    const loaded = { counts, ts: fromLong(row?.['write_ts']) };
    this.stats.set(shard, loaded);
    return loaded;
  }

  /**
   * Writes one planning round. Each shard's plans are cut into chunks under max_batch_bytes
   * (chunks); batch-pack.ts decides which chunks share a logged batch. Every chunk's derived rows
   * are sent at once (they are idempotent and independent of each other); a logged batch waits
   * for the derived rows of its chunks (so a replay finds them) and for its lane's previous batch
   * (a stats row is cumulative: a shard's chunk k must never be applied without its chunks before).
   */
  private async writePlans(plans: readonly CidPlan[], limit: ReturnType<typeof pLimit>, digestOf: (op: StoreOp) => string, beforeSend: (() => void) | undefined): Promise<void> {
    const byShard = new Map<number, CidPlan[]>();
    for (const plan of plans) {
      if (plan.recorded.length === 0) continue;
      const shard = statsShardOf(plan.initial.mhPrefix, this.ctx.statsShards);
      const list = byShard.get(shard);
      if (list) list.push(plan);
      else byShard.set(shard, [plan]);
    }
    if (byShard.size === 0) return;
    const shards = [...byShard.keys()];
    const stats = new Map(await Promise.all(shards.map(async (shard) => [shard, await this.loadStats(shard)] as const)));
    const budget = this.ctx.maxBatchBytes - STATS_ROW_BYTES;
    const chunked = shards.map((shard) => ({ shard, chunks: this.chunksOf(byShard.get(shard)!, budget, digestOf) }));
    const derivedWritten = new Map<Chunk, Promise<void>>();
    for (const { chunks } of chunked) {
      for (const c of chunks) {
        const p = writeGrouped(this.ctx.session, c.derived, this.ctx.maxBatchBytes, limit, this.writtenOnce, beforeSend);
        // Awaited before the chunk's logged batch; a failure surfaces there (or is moot after an earlier one).
        p.catch(() => undefined);
        derivedWritten.set(c, p);
      }
    }
    const lanes = packLanes(chunked, { sizeOf: (c) => c.bytes, budget: this.ctx.maxBatchBytes, statsBytes: STATS_ROW_BYTES });
    const writeLane = async (lane: Lane<Chunk>): Promise<void> => {
      for (const batch of lane) {
        for (const { chunk } of batch) await derivedWritten.get(chunk);
        const statements: Statement[] = [];
        const next: Array<{ shard: ShardStats; counts: StatsCounts; ts: number }> = [];
        for (const { shard, chunk } of batch) {
          const s = stats.get(shard)!;
          const counts: StatsCounts = { pins: s.counts.pins, placements: { ...s.counts.placements } };
          addCounts(counts, chunk.delta);
          const ts = Math.max(s.ts + 1, chunk.maxTs);
          statements.push(...chunk.core, statsStatement(shard, counts, ts, Date.now()));
          next.push({ shard: s, counts, ts });
        }
        await limit(() => this.ctx.session.batchLogged(statements, beforeSend === undefined ? {} : { beforeSend }));
        for (const n of next) {
          n.shard.counts = n.counts;
          n.shard.ts = n.ts;
        }
      }
    };
    // Every lane settles before the commit returns or throws: the caller may retry at once, and a
    // retry must not read pin_stats while a batch of this attempt can still land.
    const settled = await Promise.allSettled(lanes.map(writeLane));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** One shard's plans in chunks whose core rows fit `budget` (a CID larger than that goes alone). */
  private chunksOf(plans: readonly CidPlan[], budget: number, digestOf: (op: StoreOp) => string): Chunk[] {
    const chunks: Chunk[] = [];
    let chunk = newChunk();
    for (const plan of plans) {
      const { core, derived } = statementsForPlan(plan, this.ctx, digestOf, this.writtenOnce);
      const size = core.reduce((n, s) => n + estimateBytes(s), 0);
      if (chunk.bytes > 0 && chunk.bytes + size > budget) {
        chunks.push(chunk);
        chunk = newChunk();
      }
      if (size > budget) this.ctx.logger.warn({ cid: plan.initial.cid, bytes: size }, 'one CID exceeds max_batch_bytes; writing it alone');
      chunk.core.push(...core);
      chunk.derived.push(...derived);
      addCounts(chunk.delta, plan.statsDelta);
      chunk.maxTs = Math.max(chunk.maxTs, plan.final.clock);
      chunk.bytes += size;
    }
    if (chunk.core.length > 0) chunks.push(chunk);
    return chunks;
  }
}

/** Room a logged batch keeps for each shard's pin_stats row. */
const STATS_ROW_BYTES = 512;

interface Chunk {
  readonly core: Statement[];
  readonly derived: Statement[];
  readonly delta: StatsCounts;
  maxTs: number;
  /** Estimated bytes of `core`. */
  bytes: number;
}

function newChunk(): Chunk {
  return { core: [], derived: [], delta: emptyCounts(), maxTs: 0, bytes: 0 };
}

function duplicate(op: StoreOp): OpResult {
  return { op, outcome: 'duplicate', reason: null, message: null, event: null, placementChanges: [] };
}

function conflict(op: StoreOp): OpResult {
  const message = 'op_id was already used for a different operation';
  return {
    op,
    outcome: 'rejected',
    reason: 'OP_ID_CONFLICT',
    message,
    event: { opId: op.opId, ts: op.ts, cid: cidOfOp(op.body), kind: eventKindOf(op), outcome: 'rejected', reason: 'OP_ID_CONFLICT', detail: message, origin: op.origin, source: op.source },
    placementChanges: [],
  };
}
