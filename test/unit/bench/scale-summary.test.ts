import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { summarizeGcTrace } from '../../../src/bench/gc-trace.js';
import { readRunLog } from '../../../src/bench/run-log.js';
import { scaleStepOf, summarizeScale } from '../../../src/bench/scale-summary.js';
import { packageRoot } from '../../../src/paths.js';

// Lines as Node 20's --trace-gc prints them (from a writer log of `pinstate bench --scale`).
const TRACE = [
  '{"level":30,"msg":"writer running"}',
  '[21040:0x1e46eca0]      116 ms: Scavenge 4.3 (4.5) -> 3.8 (5.5) MB, 1.19 / 0.04 ms  (average mu = 1.000, current mu = 1.000) task; ',
  '[21040:0x1e46eca0]     3434 ms: Mark-Compact 38.6 (68.5) -> 33.3 (70.2) MB, 10.25 / 0.15 ms  (+ 4.7 ms in 14 steps since start of marking, biggest step 4.0 ms, walltime since start of marking 69 ms) (average mu = 0.994, current mu = 0.994) finalize incremental marking via stack guard; GC in old space requested',
  '[21040:0x1e46eca0]    20796 ms: Mark-Compact 133.7 (164.8) -> 47.4 (138.4) MB, 51.01 / 0.14 ms  (+ 41.6 ms in 53 steps since start of marking) (average mu = 0.995, current mu = 0.995) finalize incremental marking via task; GC in old space requested',
  '[21040:0x1e46eca0]   147649 ms: Scavenge 78.1 (216.4) -> 63.3 (216.4) MB, 134.60 / 0.00 ms  (average mu = 0.988, current mu = 0.983) allocation failure; ',
].join('\n');

describe('summarizeGcTrace', () => {
  it('reads live-after and used-before of every full collection, and the largest committed heap', () => {
    expect(summarizeGcTrace(TRACE)).toEqual({
      mark_compacts: 2,
      scavenges: 2,
      live_after_mc_min_mb: 33.3,
      live_after_mc_max_mb: 47.4,
      used_before_mc_max_mb: 133.7,
      committed_max_mb: 216.4,
      mark_compact_pause_ms: 61,
    });
  });

  it("reads Node 24's lines, which name the pooled pages before the pause", () => {
    const node24 = [
      '[30297:0x2af9a000]      306 ms: Mark-Compact 24.0 (53.2) -> 17.5 (54.2) MB, pooled: 0 MB, 5.82 / 0.00 ms  (+ 0.3 ms in 29 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 34 ms) (average mu = 0.981, current mu = 0.981) finalize incremental marking via stack guard; GC in old space requested',
      '[30297:0x2af9a000]      353 ms: Scavenge 30.1 (60.4) -> 25.9 (61.2) MB, pooled: 0 MB, 1.20 / 0.00 ms  (average mu = 0.981, current mu = 0.981) allocation failure; ',
    ].join('\n');
    expect(summarizeGcTrace(node24)).toEqual({ mark_compacts: 1, scavenges: 1, live_after_mc_min_mb: 17.5, live_after_mc_max_mb: 17.5, used_before_mc_max_mb: 24, committed_max_mb: 61.2, mark_compact_pause_ms: 6 });
  });

  it('is null for a log without a full collection (a writer run without --trace-gc)', () => {
    expect(summarizeGcTrace('{"msg":"writer running"}\n')).toBeNull();
    expect(summarizeGcTrace(TRACE.split('\n').filter((l) => !l.includes('Mark-Compact')).join('\n'))).toBeNull();
  });
});

describe('summarizeScale', () => {
  it('recomputes the kept 1.1M-pin scale run as docs/benchmarks.md quotes it', () => {
    const file = join(packageRoot(), 'docs/bench-runs/2026-11-25-scale-1100000.ndjson');
    const r = summarizeScale(readRunLog(file), file);
    expect(r.steps.map((s) => [s.from, s.to, s.pinsPerSecond, s.cpuUsPerPin, s.peakRssMb])).toEqual([
      [0, 100_000, 2328, 265, 421],
      [100_000, 1_000_000, 2370, 248, 436],
      [1_000_000, 1_100_000, 2302, 266, 398],
    ]);
    expect(r.lastVsFirst).toBe(0.989);
    // 2,302 / 2,370: the fastest step was the second.
    expect(r.lastVsPeak).toBe(0.971);
    expect(r.reads).toMatchObject({ pins: 1_100_000, listPinsPerSecond: 33_604, getP99Ms: 3.444, exportPinsPerSecond: 28_235 });
    expect(r.partitions.tables.find((t) => t.table === 'peer_buckets')).toMatchObject({ partitions: 32, maxBytes: 454_826 });
  });

  it('recomputes the kept 10^7-pin scale run as docs/benchmarks.md quotes it', () => {
    const file = join(packageRoot(), 'docs/bench-runs/2026-12-06-scale-10000000.ndjson');
    const r = summarizeScale(readRunLog(file), file);
    expect(r.steps).toHaveLength(11);
    expect(r.steps.at(-1)).toMatchObject({ from: 9_000_000, to: 10_000_000, pinsPerSecond: 1757, cpuUsPerPin: 316, peakRssMb: 388 });
    expect(r.steps.map((s) => s.pinsPerSecond)).toEqual([1025, 1679, 2018, 2139, 1848, 2045, 2027, 1818, 1696, 1670, 1757]);
    expect([r.lastVsFirst, r.lastVsPeak]).toEqual([1.714, 0.821]);
    expect(r.reads).toMatchObject({ pins: 10_000_000, listPinsPerSecond: 30_403, getP99Ms: 12.424, exportPinsPerSecond: 24_057, exportPeakRssMb: 371 });
    expect(r.partitions.source).toBe('nodetool');
    expect(r.partitions.tables.find((t) => t.table === 'pins_by_peer')).toMatchObject({ partitions: 1_045_499, maxBytes: 2759, maxCells: 124 });
  });

  it.each([
    ['0', { pinsPerSecond: 1793, cpuUsPerPin: 327, peakRssMb: 373 }, { mark_compacts: 111, used_before_mc_max_mb: 231.8, mark_compact_pause_ms: 2236 }],
    ['25', { pinsPerSecond: 1395, cpuUsPerPin: 465, peakRssMb: 198 }, { mark_compacts: 1238, used_before_mc_max_mb: 89.7, mark_compact_pause_ms: 20165 }],
  ])('recomputes the 2026-12-07 heap-growing-percent %s run as the Memory section quotes it', (percent, step, gc) => {
    const file = join(packageRoot(), `docs/bench-runs/2026-12-07-scale-1000000-heap-growing-${percent}-trace-gc.ndjson`);
    const last = summarizeScale(readRunLog(file), file).steps.at(-1);
    expect(last).toMatchObject({ from: 100_000, to: 1_000_000, ...step });
    expect(last?.gc).toMatchObject(gc);
  });

  it.each([
    ['cap160', { pinsPerSecond: 1761, cpuUsPerPin: 358, peakRssMb: 244 }, { mark_compacts: 863, used_before_mc_max_mb: 107.1, mark_compact_pause_ms: 14503 }],
    ['uncapped', { pinsPerSecond: 2272, cpuUsPerPin: 248, peakRssMb: 384 }, { mark_compacts: 104, used_before_mc_max_mb: 249.9, mark_compact_pause_ms: 1711 }],
  ])('recomputes the 2026-12-07 heap-capped worker pair (%s) as the Memory section quotes it', (variant, step, gc) => {
    const file = join(packageRoot(), `docs/bench-runs/2026-12-07-scale-1000000-worker-${variant}-trace-gc.ndjson`);
    const last = summarizeScale(readRunLog(file), file).steps.at(-1);
    expect(last).toMatchObject({ from: 100_000, to: 1_000_000, ...step });
    expect(last?.gc).toMatchObject(gc);
  });

  it.each([
    ['pair2-heap-growing-0', { pinsPerSecond: 2060, cpuUsPerPin: 258, peakRssMb: 377 }, { mark_compacts: 102, used_before_mc_max_mb: 247, mark_compact_pause_ms: 1679 }],
    ['pair2-heap-growing-100', { pinsPerSecond: 2355, cpuUsPerPin: 245, peakRssMb: 257 }, { mark_compacts: 335, used_before_mc_max_mb: 135.3, mark_compact_pause_ms: 4186 }],
    ['heap-growing-default', { pinsPerSecond: 2164, cpuUsPerPin: 268, peakRssMb: 254 }, { mark_compacts: 338, used_before_mc_max_mb: 136.2, mark_compact_pause_ms: 4419 }],
  ])('recomputes the 2026-12-07 heap_growing_percent run (%s) as the Memory section quotes it', (name, step, gc) => {
    const file = join(packageRoot(), `docs/bench-runs/2026-12-07-scale-1000000-${name}-trace-gc.ndjson`);
    const last = summarizeScale(readRunLog(file), file).steps.at(-1);
    expect(last).toMatchObject({ from: 100_000, to: 1_000_000, ...step });
    expect(last?.gc).toMatchObject(gc);
  });

  it.each([
    ['default', { pinsPerSecond: 2289, cpuUsPerPin: 211, peakRssMb: 333 }],
    ['0', { pinsPerSecond: 2309, cpuUsPerPin: 226, peakRssMb: 427 }],
  ])('recomputes the 2026-12-07 Node 24 heap_semi_space_mb run (%s) as the Memory section quotes it', (name, step) => {
    const file = join(packageRoot(), `docs/bench-runs/2026-12-07-node24-scale-1000000-semi-space-${name}.ndjson`);
    const last = summarizeScale(readRunLog(file), file).steps.at(-1);
    expect(last).toMatchObject({ from: 100_000, to: 1_000_000, ...step });
  });

  it.each([
    ['default', { mark_compacts: 209, live_after_mc_max_mb: 88.4, used_before_mc_max_mb: 179.1, committed_max_mb: 212.7 }],
    ['0', { mark_compacts: 361, live_after_mc_max_mb: 82.9, used_before_mc_max_mb: 184.3, committed_max_mb: 271.7 }],
  ])("recomputes the GC figures of the Node 24 heap_semi_space_mb run (%s) from its kept writer log", (name, gc) => {
    const text = gunzipSync(readFileSync(join(packageRoot(), `docs/bench-runs/2026-12-07-node24-scale-1000000-semi-space-${name}.writer.log.gz`))).toString('utf8');
    expect(summarizeGcTrace(text)).toMatchObject(gc);
  });

  it("a step's rate is its pins over the drain from the writer's running line to its last commit", () => {
    const step = scaleStepOf({ from: 100, to: 1100, running_ms: 500, caught_up_ms: 2500, cpuUsPerPin: 200, peakRssMb: 99, gc: { mark_compacts: 1 } });
    expect(step).toMatchObject({ from: 100, to: 1100, pinsPerSecond: 500, cpuUsPerPin: 200, peakRssMb: 99, gc: { mark_compacts: 1 } });
    expect(scaleStepOf({ from: 0, to: 10, running_ms: null, caught_up_ms: 1000, cpuUsPerPin: 1, peakRssMb: 1 }).gc).toBeUndefined();
  });

  it('names what is missing from a log that is not a finished scale run', () => {
    expect(() => summarizeScale([{ phase: 'run', at: '', mode: 'scale' }], 'x')).toThrow(/no "scale_step" line/);
  });
});
