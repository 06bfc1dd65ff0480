/**
 * Recounts pin_stats from the core tables. Counts are exact by construction while each shard has
 * one writer; a writer evicted from its group in the middle of a batch (stalled past the
 * rebalance timeout) can still finish a stale write, and this is how an operator proves or
 * repairs the figures. Run it with the writers stopped; it reports the drift it found.
 */
import { cidFromBytes } from '../domain/cid.js';
import { CQL } from './cql.js';
import { addCounts, emptyCounts, type StatsCounts } from './records.js';
import { fromLong } from './rows.js';
import { mergeConcurrent, scanRange, splitRing } from './scan.js';
import type { CqlSession } from './session.js';
import { statsShardOf } from './commit.js';
import { statsStatement } from './writes.js';

export interface ReconcileReport {
  /** Counts found by the scan (what the stats now say when `apply` was set). */
  readonly scanned: StatsCounts;
  /** What pin_stats said before. */
  readonly recorded: StatsCounts;
  /** Shards whose row differed from the scan. */
  readonly driftedShards: number[];
}

/**
 * A CID's pin and its placement's states are in one pins_by_cid row (scylla/004). The shard comes
 * from the CID itself: mh_prefix is a pin cell, absent once a placed pin is deleted.
 */
const SCAN_CORE = 'SELECT cid_bin, pin_type, placement_actual FROM pins_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?';

export async function reconcileStats(session: CqlSession, statsShards: number, options: { apply: boolean; pageSize?: number }): Promise<ReconcileReport> {
  const perShard = new Map<number, StatsCounts>();
  const at = (shard: number): StatsCounts => {
    let c = perShard.get(shard);
    if (!c) perShard.set(shard, (c = emptyCounts()));
    return c;
  };
  const pageSize = options.pageSize ?? 5000;
  const ranges = splitRing(64);
  for await (const row of mergeConcurrent(ranges.map((r) => () => scanRange(session, SCAN_CORE, r, pageSize)), 8)) {
    const c = at(statsShardOf(cidFromBytes(row['cid_bin'] as Uint8Array).mhPrefix, statsShards));
    if (row['pin_type'] !== null && row['pin_type'] !== undefined) c.pins += 1;
    for (const state of Object.values((row['placement_actual'] as Record<string, string> | null) ?? {})) c.placements[state] = (c.placements[state] ?? 0) + 1;
  }

  const recorded = emptyCounts();
  const scanned = emptyCounts();
  const driftedShards: number[] = [];
  const rows = new Map((await session.execute(CQL.selectAllStats, [], { fetchSize: 10_000 })).rows.map((r) => [r['shard'] as number, r]));
  const tsRows = new Map<number, number>();
  for (let shard = 0; shard < statsShards; shard++) {
    const row = rows.get(shard);
    const have = emptyCounts();
    if (row) {
      have.pins = fromLong(row['pins']);
      for (const [s, n] of Object.entries((row['placements'] as Record<string, unknown> | null) ?? {})) have.placements[s] = fromLong(n);
      const full = (await session.execute(CQL.selectStats, [shard])).rows[0];
      tsRows.set(shard, fromLong(full?.['write_ts']));
    }
    const want = perShard.get(shard) ?? emptyCounts();
    addCounts(recorded, have);
    addCounts(scanned, want);
    if (JSON.stringify(sorted(have)) !== JSON.stringify(sorted(want))) driftedShards.push(shard);
  }
  if (options.apply) {
    for (const shard of driftedShards) {
      const s = statsStatement(shard, perShard.get(shard) ?? emptyCounts(), Math.max((tsRows.get(shard) ?? 0) + 1, Date.now() * 1000), Date.now());
      await session.execute(s.query, s.params);
    }
  }
  return { scanned, recorded, driftedShards };
}

function sorted(c: StatsCounts): StatsCounts {
  return { pins: c.pins, placements: Object.fromEntries(Object.entries(c.placements).filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b))) };
}
