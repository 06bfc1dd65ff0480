/**
 * What a writer's `--trace-gc` output says about its memory: how much of the V8 heap is live
 * after each full collection, and how far the heap grew before one. The difference between the
 * two is V8's growing policy, not the writer's data; docs/benchmarks.md#memory reads it this way.
 * Pure: takes the writer's log text.
 *
 * A Mark-Compact line reads
 *   `[pid:0x…]  3434 ms: Mark-Compact 38.6 (68.5) -> 33.3 (70.2) MB, 10.25 / 0.15 ms …`
 * i.e. used (committed) before -> used (committed) after, then the pause. Node 24's V8 adds the
 * pooled pages before the pause (`… MB, pooled: 0 MB, 3.40 / 0.00 ms`).
 */
export interface GcTraceSummary {
  readonly mark_compacts: number;
  readonly scavenges: number;
  /** Heap used right after a full collection (what is live): smallest and largest, MB. */
  readonly live_after_mc_min_mb: number;
  readonly live_after_mc_max_mb: number;
  /** Largest heap used just before a full collection, MB. */
  readonly used_before_mc_max_mb: number;
  /** Largest committed heap seen on any collection line, MB. */
  readonly committed_max_mb: number;
  /** Sum of the Mark-Compact pauses, ms. */
  readonly mark_compact_pause_ms: number;
}

const MARK_COMPACT = /Mark-Compact(?: \(reduce\))? ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+)/;
const SCAVENGE = /Scavenge ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/;

/** Null when the text has no full collection (the writer ran without --trace-gc). */
export function summarizeGcTrace(text: string): GcTraceSummary | null {
  let marks = 0;
  let scavenges = 0;
  let liveMin = Infinity;
  let liveMax = 0;
  let usedMax = 0;
  let committedMax = 0;
  let pause = 0;
  for (const line of text.split('\n')) {
    const mc = MARK_COMPACT.exec(line);
    if (mc) {
      const [usedBefore, committedBefore, usedAfter, committedAfter, ms] = mc.slice(1).map(Number) as [number, number, number, number, number];
      marks++;
      liveMin = Math.min(liveMin, usedAfter);
      liveMax = Math.max(liveMax, usedAfter);
      usedMax = Math.max(usedMax, usedBefore);
      committedMax = Math.max(committedMax, committedBefore, committedAfter);
      pause += ms;
      continue;
    }
    const sc = SCAVENGE.exec(line);
    if (sc) {
      scavenges++;
      committedMax = Math.max(committedMax, Number(sc[2]), Number(sc[4]));
    }
  }
  if (marks === 0) return null;
  const r1 = (n: number): number => Math.round(n * 10) / 10;
  return {
    mark_compacts: marks,
    scavenges,
    live_after_mc_min_mb: r1(liveMin),
    live_after_mc_max_mb: r1(liveMax),
    used_before_mc_max_mb: r1(usedMax),
    committed_max_mb: r1(committedMax),
    mark_compact_pause_ms: Math.round(pause),
  };
}
