/**
 * The ceiling: the CQL writes the writer would issue for the workload — planned from empty state
 * with planCid, turned into statements by statementsForPlan, chunked per pin_stats shard under
 * max_batch_bytes with the shard's stats row, exactly as the Committer does — executed straight
 * against the database with no Kafka and no reads. The same rows can be sent in several request
 * shapes; the benchmark measures each and keeps the fastest as the ceiling.
 */
import pLimit from 'p-limit';
import type { PinstateConfig } from '../config/types.js';
import { parseCid } from '../domain/cid.js';
import { statsShardOf } from '../store/commit.js';
import { CQL } from '../store/cql.js';
import { BucketBits } from '../store/bucket-bits.js';
import { writeGrouped } from '../store/bulk.js';
import { planCid } from '../store/plan.js';
import { addCounts, emptyCounts, type StatsCounts } from '../store/records.js';
import { cidStateFromRow } from '../store/rows.js';
import type { CqlSession, Statement } from '../store/session.js';
import { estimateBytes, statementsForPlan, statsStatement, type WriteContext } from '../store/writes.js';
import { partitionOfPin, pinIntents, pinStoreOps, type BenchPin } from './workload.js';

/**
 * - `writer`: the writer's shape — per chunk, derived rows as unlogged batches grouped by
 *   replica, then one logged batch of core rows + op_dedup rows + the shard's stats row.
 * - `unlogged`: every statement in unlogged batches grouped by replica (no batchlog).
 * - `partition`: one unlogged batch per partition key (a CID's pin, placement and event rows are
 *   one mutation), everything else as single statements.
 * - `singles`: every statement on its own request.
 */
export const CEILING_SHAPES = ['writer', 'unlogged', 'partition', 'singles'] as const;
export type CeilingShape = (typeof CEILING_SHAPES)[number];

/** One chunk of one shard, as the Committer would write it. */
export interface WriteUnit {
  readonly derived: Statement[];
  /** Core rows and op_dedup rows, then the shard's stats row last. */
  readonly core: Statement[];
}

/** Counts of what a unit stream produced so far. */
export interface UnitCounts {
  pins: number;
  statements: number;
  units: number;
}

export const newCounts = (): UnitCounts => ({ pins: 0, statements: 0, units: 0 });

function writeContext(config: PinstateConfig): WriteContext {
  const s = config.scylla;
  return {
    peerBucketBits: s.peerBucketBits,
    ttlShards: s.ttlShards,
    dedupTtlSec: Math.max(1, Math.round(s.dedupTtlMs / 1000)),
    eventsTtlSec: Math.max(1, Math.round(s.eventsTtlMs / 1000)),
  };
}

type OpenUnit = { unit: WriteUnit; bytes: number; delta: StatsCounts; maxTs: number };

/**
 * Plans `pins` from empty state and yields their statements cut into the Committer's units:
 * per pin_stats shard, core rows under max_batch_bytes − 512, then the shard's running stats row.
 * Lazy, so a million pins never sit in memory as statements; `counts` fills as it goes.
 */
export function* writeUnits(config: PinstateConfig, seed: string, pins: Iterable<BenchPin>, baseTs: number, counts: UnitCounts): Generator<WriteUnit> {
  const ctx = writeContext(config);
  const partitions = config.kafka.partitions.intents;
  const budget = config.scylla.maxBatchBytes - 512;
  const open = new Map<number, OpenUnit>();
  const totals = new Map<number, { counts: StatsCounts; ts: number }>();
  const close = (shard: number, o: OpenUnit): WriteUnit => {
    open.delete(shard);
    const total = totals.get(shard) ?? { counts: emptyCounts(), ts: 0 };
    addCounts(total.counts, o.delta);
    total.ts = Math.max(total.ts + 1, o.maxTs);
    totals.set(shard, total);
    o.unit.core.push(statsStatement(shard, { pins: total.counts.pins, placements: { ...total.counts.placements } }, total.ts, Date.now()));
    counts.statements += o.unit.core.length + o.unit.derived.length;
    counts.units++;
    return o.unit;
  };
  for (const pin of pins) {
    counts.pins++;
    const partition = partitionOfPin(pin, partitions);
    const ops = pinStoreOps(pinIntents(seed, pin, baseTs + pin.index), (k) => ({ topic: config.kafka.topics.intents, partition, offset: String(pin.index * 2 + k) }));
    const plan = planCid(cidStateFromRow(parseCid(pin.cid), undefined), ops);
    const { core, derived } = statementsForPlan(plan, ctx);
    const size = core.reduce((n, st) => n + estimateBytes(st), 0);
    const shard = statsShardOf(pin.mhPrefix, config.scylla.statsShards);
    let o = open.get(shard);
    if (o && o.bytes > 0 && o.bytes + size > budget) {
      yield close(shard, o);
      o = undefined;
    }
    if (!o) {
      o = { unit: { derived: [], core: [] }, bytes: 0, delta: emptyCounts(), maxTs: 0 };
      open.set(shard, o);
    }
    o.unit.core.push(...core);
    o.unit.derived.push(...derived);
    addCounts(o.delta, plan.statsDelta);
    o.maxTs = Math.max(o.maxTs, plan.final.clock);
    o.bytes += size;
  }
  for (const [shard, o] of [...open]) yield close(shard, o);
}

const CID_ROW_QUERIES = new Set<string>([CQL.upsertPin, CQL.deletePinColumns, CQL.insertPinMarker, CQL.upsertPlacement, CQL.clearPlacement]);

/** The partition a statement writes (for the `partition` shape): its routing key, else its first key column. */
function partitionOf(s: Statement): string {
  if (s.routingKey) return `${s.query.length}:${s.routingKey.toString('hex')}`;
  // Every pins_by_cid statement (pin and placement cells) ends with its cid_bin key.
  const cidTable = CID_ROW_QUERIES.has(s.query);
  const key = cidTable ? s.params.at(-1) : s.params[0];
  const text = Buffer.isBuffer(key) ? key.toString('hex') : String(key);
  // A CID's pin and placement cells are one pins_by_cid row: one mutation per CID.
  return cidTable ? `cid:${text}` : `${s.query.length}:${text}`;
}

export interface ExecuteResult {
  readonly ms: number;
  readonly requests: number;
}

/**
 * Writes every unit in `shape` with at most `concurrency` requests in flight; units are pulled
 * from `units` as workers free up, so a lazy stream stays bounded in memory.
 */
export async function executeUnits(session: CqlSession, units: Iterable<WriteUnit>, shape: CeilingShape, concurrency: number, maxBatchBytes: number, peerBucketBits: number): Promise<ExecuteResult> {
  const limit = pLimit(concurrency);
  const once = new BucketBits(peerBucketBits);
  let requests = 0;
  const single = (s: Statement): Promise<void> =>
    limit(async () => {
      requests++;
      await session.execute(s.query, s.params, s.routingKey ? { routingKey: s.routingKey } : {});
    });
  const counted = (session_: CqlSession): CqlSession => ({
    ...session_,
    execute: (q, p, o) => (requests++, session_.execute(q, p, o)),
    batchUnlogged: (st, o) => (requests++, session_.batchUnlogged(st, o)),
  });
  const s = counted(session);
  /** peer_buckets rows are written once per process, as the writer does. */
  const firstTime = (st: Statement): boolean => {
    if (st.once === undefined) return true;
    if (once.has(st.once)) return false;
    once.add(st.once);
    return true;
  };
  const unit = async (u: WriteUnit): Promise<void> => {
    switch (shape) {
      case 'writer':
        await writeGrouped(s, u.derived, maxBatchBytes, limit, once);
        await limit(async () => {
          requests++;
          await session.batchLogged(u.core);
        });
        return;
      case 'unlogged':
        await writeGrouped(s, [...u.derived, ...u.core], maxBatchBytes, limit, once);
        return;
      case 'singles':
        await Promise.all([...u.derived, ...u.core].filter(firstTime).map(single));
        return;
      case 'partition': {
        const groups = new Map<string, Statement[]>();
        for (const st of [...u.derived, ...u.core]) {
          if (!firstTime(st)) continue;
          const k = partitionOf(st);
          const g = groups.get(k);
          if (g) g.push(st);
          else groups.set(k, [st]);
        }
        await Promise.all(
          [...groups.values()].map((g) =>
            g.length === 1
              ? single(g[0]!)
              : limit(async () => {
                  requests++;
                  await session.batchUnlogged(g, g[0]!.routingKey ? { routingKey: g[0]!.routingKey } : {});
                }),
          ),
        );
        return;
      }
    }
  };
  const started = performance.now();
  const source = units[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (let n = source.next(); n.done !== true; n = source.next()) await unit(n.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { ms: performance.now() - started, requests };
}
