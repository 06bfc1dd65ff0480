/**
 * The summary's writer batch breakdown comes from the run log's writer histograms, so the latency
 * table in docs/benchmarks.md is recomputed by `pinstate bench --summarize`, not written by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatJson, formatTable } from '../../../src/bench/report.js';
import { readRunLog, type LogLine } from '../../../src/bench/run-log.js';
import { batchBreakdown, latencyLegs, percentile, summarize } from '../../../src/bench/summary.js';
import { jsonLines, median } from '../../support/kept-logs.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A writer-ab variant's medians of pins/s, CPU µs/pin and peak RSS, and its RSS range, over `rounds` runs. */
function abFigures(rows: ReadonlyArray<{ variant: string; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number }>, variant: string, rounds: number): number[] {
  const of = rows.filter((r) => r.variant === variant);
  expect(of).toHaveLength(rounds);
  const peaks = of.map((r) => r.writer_peak_rss_mb);
  return [median(of.map((r) => r.pins_per_s)), median(of.map((r) => r.writer_cpu_us_per_pin)), median(peaks), Math.min(...peaks), Math.max(...peaks)];
}
const h = (sum: number, count: number): { sum: number; count: number; buckets: Array<[string, number]> } => ({ sum, count, buckets: [['+Inf', count]] });

const metrics = (batches: number, ops: number, applyS: number, publishS: number, commitS: number): Record<string, unknown> => ({
  pinstate_writer_batch_ops: h(ops, batches),
  pinstate_writer_apply_seconds: h(applyS, batches),
  pinstate_writer_publish_seconds: h(publishS, batches),
  pinstate_writer_commit_seconds: h(commitS, batches),
});

function log(latencyMetrics: Record<string, unknown> | undefined): LogLine[] {
  const at = '2026-12-06T00:00:00.000Z';
  return [
    { phase: 'run', at, pins: 1000 },
    { phase: 'ceiling', at, pins: 1000, ms: 1000, shape: 'writer', concurrency: 16, applied_pins: 1000 },
    { phase: 'pipeline', at, pins: 1000, caught_up_ms: 2000, running_ms: 100, clk_tck: 100, cpu_ticks_running: 0, cpu_ticks_end: 50, vm_hwm_kb: 102_400, lag: 0, applied_pins: 1000, writer_metrics: metrics(4, 2000, 2, 0.2, 0.1) },
    { phase: 'latency', at, offered_pins_per_s: 250, ops: 10, lost: 0, latencies_ms: [5, 10], ...(latencyMetrics === undefined ? {} : { writer_metrics: latencyMetrics }) },
    { phase: 'naive', at, pins: 1000, ms: 10_000, applied_pins: 1000, lag: 0 },
    { phase: 'reads', at, get_ms: [1, 2], list_pins: 1000, list_ms: 100, list_rss_growth_kb: 1024 },
  ];
}

describe('writer batch breakdown', () => {
  it('is each stage mean per batch and the mean ops per batch, by phase', () => {
    const s = summarize(log(metrics(10, 270, 1.141, 0.316, 0.283)));
    expect(s.writer_batches.latency).toEqual({ batches: 10, ops_per_batch: 27, apply_ms: 114.1, publish_ms: 31.6, commit_ms: 28.3 });
    expect(s.writer_batches.pipeline).toEqual({ batches: 4, ops_per_batch: 500, apply_ms: 500, publish_ms: 50, commit_ms: 25 });
    expect(formatTable(s, 'x.ndjson')).toContain('27.0 ops; 114.1 / 31.6 / 28.3 ms (10 batches)');
    expect(JSON.parse(formatJson(s, 'x.ndjson'))).toMatchObject({ writer_batches: { latency: { apply_ms: 114.1 } } });
  });

  it('adds the fetch age p50 / p99 from the histogram buckets when the log has them', () => {
    // 100 batches: 50 fetched within 10 ms, 49 more within 250 ms, the last within 1 s.
    const age = { sum: 5, count: 100, buckets: [['0.01', 50], ['0.25', 99], ['1', 100], ['+Inf', 100]] };
    const s = summarize(log({ ...metrics(100, 300, 1, 0.5, 0.2), pinstate_writer_fetch_age_seconds: age }));
    // p50: rank 50 falls at the top of the 10 ms bucket; p99: rank 99 at the top of the 250 ms one.
    expect(s.writer_batches.latency?.fetch_age_ms).toEqual({ p50: 10, p99: 250 });
    expect(formatTable(s, 'x.ndjson')).toContain('(100 batches); fetched at age p50 10.0 / p99 250.0 ms');
    // Older logs have no such histogram: no field, and the table line ends at the batches.
    expect(summarize(log(metrics(10, 270, 1.141, 0.316, 0.283))).writer_batches.latency).not.toHaveProperty('fetch_age_ms');
  });

  it('is null for a phase without writer metrics or without batches, not zero', () => {
    expect(summarize(log(undefined)).writer_batches.latency).toBeNull();
    expect(summarize(log({})).writer_batches.latency).toBeNull();
    expect(batchBreakdown({ writer_metrics: metrics(0, 0, 0, 0, 0) })).toBeNull();
    expect(formatTable(summarize(log(undefined)), 'x.ndjson')).toMatch(/writer batch, latency mode[^\n]*-\n/);
  });

  it('recomputes the breakdown of the kept 2026-11-25 run that docs/benchmarks.md quotes', () => {
    const s = summarize(readRunLog(join(ROOT, 'docs/bench-runs/2026-11-25-pins-100000.ndjson')));
    expect(s.writer_batches.latency).toEqual({ batches: 1307, ops_per_batch: 27, apply_ms: 114.1, publish_ms: 31.6, commit_ms: 28.3 });
  });
});

describe('latency legs', () => {
  it('split each op at the producer ack and the event publish, and skip ops missing a point', () => {
    const line = { latencies_ms: [100, 40, 60, 300], acked_ms: [10, 5, null, 20], published_ms: [70, 30, 50, null] };
    // Delivery is total − published per op: 30, 10, 10 (the op without a publish time is left out).
    expect(latencyLegs(line)).toEqual({ producer: { p50: 10, p99: 20 }, to_event: { p50: 50, p99: 70 }, event_delivery: { p50: 10, p99: 30 } });
    const s = summarize(log(undefined).map((l) => (l.phase === 'latency' ? { ...l, ...line } : l)));
    expect(s.latency_legs_ms).toEqual(latencyLegs(line));
    expect(formatTable(s, 'x.ndjson')).toContain('10.0 / 20.0; 50.0 / 70.0; +10.0 / 30.0 ms');
  });

  it('keep the warm-up apart: its ops are not in latency_ms, but an op it lost counts as lost', () => {
    const warm = { warmup_seconds: 3, warmup_ops: 4, warmup_lost: 1, warmup_latencies_ms: [300, 100, 200] };
    const s = summarize(log(undefined).map((l) => (l.phase === 'latency' ? { ...l, ...warm } : l)));
    expect(s.latency_ms.p99).toBe(10);
    expect(s.latency_warmup_ms).toEqual({ ops: 4, seconds: 3, p50: 200, p99: 300 });
    expect(s.latency_lost).toBe(1);
    expect(formatTable(s, 'x.ndjson')).toContain('latency warm-up before it (3 s, 4 ops, not counted above): p50 / p99');
    expect(summarize(log(undefined)).latency_warmup_ms).toBeNull();
  });

  it('are null for a log from before they were kept', () => {
    expect(summarize(log(undefined)).latency_legs_ms).toBeNull();
    expect(formatTable(summarize(log(undefined)), 'x.ndjson')).not.toContain('latency legs');
  });
});

describe('the 2026-12-07 placement-in-the-pin-row pairs that docs/benchmarks.md quotes', () => {
  const run = (name: string): ReturnType<typeof summarize> => summarize(readRunLog(join(ROOT, `docs/bench-runs/2026-12-07-pin-row-${name}-pins-100000.ndjson`)));
  it.each([
    ['old-1', { pipeline: 1452, ceiling: 2428, cpu: 397.2, get99: 2.61, list: 23005, exportRate: 15710 }],
    ['old-2', { pipeline: 1391, ceiling: 2757, cpu: 387.7, get99: 1.89, list: 25848, exportRate: 16444 }],
    ['new-1', { pipeline: 1607, ceiling: 2844, cpu: 331.4, get99: 1.44, list: 29011, exportRate: 18435 }],
    ['new-2', { pipeline: 1760, ceiling: 3008, cpu: 333.0, get99: 1.22, list: 32841, exportRate: 19848 }],
  ])('%s recomputes to the figures in the table', (name, want) => {
    const s = run(name);
    expect(Math.round(s.pipeline_pins_per_s)).toBe(want.pipeline);
    expect(Math.round(s.ceiling_pins_per_s)).toBe(want.ceiling);
    expect(s.writer_cpu_us_per_pin).toBeCloseTo(want.cpu, 1);
    expect(s.get_p99_ms).toBeCloseTo(want.get99, 2);
    expect(Math.round(s.list_pins_per_s ?? 0)).toBe(want.list);
    expect(Math.round(s.export_pins_per_s ?? 0)).toBe(want.exportRate);
  });

  it('the list-ab log gives the medians quoted (pin row 39,388 pins/s, two tables 31,354)', () => {
    const lines = jsonLines<{ variant: string; pins_per_s: number }>('list-ab/2026-12-07-pin-row-vs-two-tables.txt');
    const medianOf = (variant: string): number => Math.round(median(lines.filter((l) => l.variant === variant).map((l) => l.pins_per_s)));
    expect(lines).toHaveLength(12);
    expect(medianOf('this')).toBe(39388);
    expect(medianOf('other')).toBe(31354);
  });
});

describe('the 2026-12-07 fetch-all runs (tried, reverted) that docs/benchmarks.md quotes', () => {
  it.each([
    ['old250-1', 196.8, 479.2],
    ['old250-2', 194.9, 550.9],
    ['new250-1', 280.6, 798.8],
    ['new250-2', 225.5, 442.6],
    ['oldhalf-1', 399.8, 919.6],
    ['oldhalf-2', 467.9, 999.7],
    ['newhalf-1', 693.6, 1702.6],
    ['newhalf-2', 512.0, 1038.2],
  ])('%s: latency p50 %s ms, p99 %s ms', (name, p50, p99) => {
    const s = summarize(readRunLog(join(ROOT, `docs/bench-runs/2026-12-07-fetch-all-${name}-pins-20000.ndjson`)));
    expect(s.latency_ms?.p50).toBeCloseTo(p50, 1);
    expect(s.latency_ms?.p99).toBeCloseTo(p99, 1);
  });
});

describe('the 2026-12-07 joint commit off/on runs (the correction) that docs/benchmarks.md quotes', () => {
  it.each([
    ['off-1', 131.1, 386.1, 1308],
    ['on-1', 105.2, 236.0, 1585],
    ['on-2', 203.8, 498.9, 1316],
    ['off-2', 182.2, 412.0, 1319],
  ])('%s: latency p50 %s ms, p99 %s ms, pipeline %s pins/s', (name, p50, p99, pipeline) => {
    const file = join(ROOT, `docs/bench-runs/2026-12-07-joint-${name}-pins-20000-offered-250.ndjson`);
    const s = summarize(readRunLog(file));
    expect(s.latency_ms?.p50).toBeCloseTo(p50, 1);
    expect(s.latency_ms?.p99).toBeCloseTo(p99, 1);
    expect(Math.round(s.pipeline_pins_per_s)).toBe(pipeline);
    // The log's options name the setting; that it reaches the writer child is bench-pure.test.ts's check.
    expect(readFileSync(file, 'utf8')).toContain(`"joint_commit":${name.startsWith('on') ? 'true' : 'false'}`);
  });
});

describe("the 2026-12-07 latency-leg runs that docs/benchmarks.md quotes (the bench's events consumer, async commit)", () => {
  const run = (name: string): LogLine[] => readRunLog(join(ROOT, `docs/bench-runs/2026-12-07-events-consumer-${name}-pins-20000-offered-250.ndjson`));

  it.each([
    ['autocommit', [178.2, 315.4, 403.9], { producer: { p50: 9.3, p99: 44.8 }, to_event: { p50: 61.7, p99: 226.7 }, event_delivery: { p50: 109.9, p99: 252.6 } }],
    ['no-autocommit', [43.8, 110.1, 283.5], { producer: { p50: 8.1, p99: 46.3 }, to_event: { p50: 39.5, p99: 275.5 }, event_delivery: { p50: 4.2, p99: 27.2 } }],
  ] as const)('%s: latency and legs as quoted', (name, [p50, p95, p99], legs) => {
    const s = summarize(run(name));
    expect([s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99]).toEqual([p50, p95, p99]);
    expect(s.latency_legs_ms).toEqual(legs);
  });

  it('the groups of those two runs: apply / publish / commit means as quoted', () => {
    const chain = (name: string): number[] => {
      const b = summarize(run(name)).writer_batches.latency!;
      return [b.apply_ms, b.publish_ms, b.commit_ms];
    };
    expect(chain('autocommit')).toEqual([20.5, 6.1, 11.9]);
    expect(chain('no-autocommit')).toEqual([11.6, 4, 12.4]);
  });

  it('no-autocommit: the p99 of the first second of sends vs each of the next nineteen', () => {
    const line = run('no-autocommit').find((l) => l.phase === 'latency')!;
    const lat = line['latencies_ms'] as number[];
    const perSecond = 2 * (line['offered_pins_per_s'] as number);
    const p99s: number[] = [];
    for (let i = 0; i < lat.length; i += perSecond) p99s.push(percentile(lat.slice(i, i + perSecond), 99));
    expect(p99s).toHaveLength(20);
    expect(p99s[0]).toBe(407.1);
    expect(Math.min(...p99s.slice(1))).toBe(57.9);
    expect(Math.max(...p99s.slice(1))).toBe(176.1);
  });

  it('the async-commit writer-ab log gives the rounds quoted', () => {
    const lines = jsonLines<{ variant: string; round: number; lat_p50_ms: number; lat_p99_ms: number; pins_per_s: number; cassandra_cpu_us_per_pin: number }>('writer-ab/2026-12-07-async-commit-vs-sync-latency-250.ab.ndjson');
    const row = (variant: string): Array<[number, number, number]> => lines.filter((l) => l.variant === variant).map((l) => [l.lat_p50_ms, l.lat_p99_ms, l.pins_per_s]);
    expect(row('sync')).toEqual([[124.5, 481, 909], [78.4, 256.9, 1277], [90.5, 295.1, 1355]]);
    expect(row('async')).toEqual([[55.4, 198.1, 1323], [63.6, 260.5, 1353], [59.4, 231.1, 1422]]);
    const cassandra = lines.map((l) => l.cassandra_cpu_us_per_pin);
    expect([Math.min(...cassandra), Math.max(...cassandra)]).toEqual([707, 834]);
  });
});

describe('the 2026-12-07 partitions_concurrently 16 vs 64 rounds that docs/benchmarks.md quotes', () => {
  type Row = { variant: string; round: number; lat_p50_ms: number; lat_p99_ms: number; pins_per_s: number; writer_peak_rss_mb: number; lat_to_event_p99_ms: number; lat_delivery_p99_ms: number; lat_apply_ms: number; lat_publish_ms: number; lat_commit_ms: number };
  const rows = ['a', 'b'].flatMap((set) => jsonLines<Row>(`writer-ab/2026-12-07-partitions-concurrently-16-vs-64-latency-250-${set}.ab.ndjson`));
  const of = (variant: string): Row[] => rows.filter((r) => r.variant === variant);
  const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

  it('gives the rounds, medians and ranges quoted', () => {
    expect(of('pc16').map((r) => [r.lat_p50_ms, r.lat_p99_ms, r.pins_per_s])).toEqual([[57.5, 241.3, 1387], [42.7, 148.9, 1732], [42.1, 236.3, 1635], [188.3, 739.8, 1464], [70.5, 265.3, 1488], [59.3, 173, 1344]]);
    expect(of('pc64').map((r) => [r.lat_p50_ms, r.lat_p99_ms, r.pins_per_s])).toEqual([[53.2, 158.6, 1512], [49, 172, 1547], [44.8, 154.4, 1793], [64.5, 201.1, 1424], [61.9, 168.1, 1145], [49.8, 322.9, 1464]]);
    expect([median(of('pc16').map((r) => r.lat_p50_ms)), median(of('pc16').map((r) => r.lat_p99_ms)), median(of('pc16').map((r) => r.pins_per_s))]).toEqual([58.4, 238.8, 1476]);
    expect(median(of('pc64').map((r) => r.lat_p50_ms))).toBeCloseTo(51.5, 6);
    expect(median(of('pc64').map((r) => r.lat_p99_ms))).toBeCloseTo(170.05, 6);
    expect(median(of('pc64').map((r) => r.pins_per_s))).toBe(1488);
    const lowerAt64 = of('pc64').filter((r, i) => r.lat_p99_ms < of('pc16')[i]!.lat_p99_ms).length;
    expect(lowerAt64).toBe(4);
    expect(range(of('pc64').map((r) => r.writer_peak_rss_mb))).toEqual([357, 390]);
    expect(range(of('pc16').map((r) => r.writer_peak_rss_mb))).toEqual([347, 378]);
    const at64 = of('pc64');
    expect(range(at64.map((r) => r.lat_to_event_p99_ms))).toEqual([137.3, 313.8]);
    expect(range(at64.map((r) => r.lat_delivery_p99_ms))).toEqual([24.1, 35.3]);
    expect(range(at64.map((r) => r.lat_apply_ms))).toEqual([12.6, 21.2]);
    expect(range(at64.map((r) => r.lat_publish_ms))).toEqual([4.2, 6.3]);
    expect(range(at64.map((r) => r.lat_commit_ms))).toEqual([17.3, 22.3]);
  });
});

describe('the 2026-12-07 rows-ab runs (schema 5) that docs/benchmarks.md quotes', () => {
  type Row = { variant: string; round: number; pins_per_s: number; cassandra_cpu_us_per_pin: number; statements: number; requests: number };
  const load = (name: string): Row[] => jsonLines<Row>(name);
  const figures = (rows: Row[], variant: string): [number, number, number, number] => {
    const v = rows.filter((r) => r.variant === variant);
    return [median(v.map((r) => r.pins_per_s)), median(v.map((r) => r.cassandra_cpu_us_per_pin)), v[0]!.statements, v[0]!.requests];
  };

  it('before schema 5: every row, without events, without op_dedup outputs', () => {
    const rows = load('2026-12-07-rows-ab-before-schema-5.ndjson');
    expect(figures(rows, 'all')).toEqual([2792, 538, 221314, 3624]);
    expect(figures(rows, 'no-events')).toEqual([3875, 392, 181314, 3351]);
    expect(figures(rows, 'no-dedup-outputs')).toEqual([3414, 445, 221314, 3625]);
  });

  it('schema 5 against the v4 layout in one run', () => {
    const rows = load('2026-12-07-rows-ab-schema-5-vs-4.ndjson');
    expect(figures(rows, 'all')).toEqual([3331.5, 453.5, 221045, 3382]);
    expect(figures(rows, 'other')).toEqual([3243, 480, 221314, 3623]);
    expect(figures(rows, 'no-event-changes')).toEqual([3744, 409, 221045, 3382]);
    expect(figures(rows, 'no-events')).toEqual([4918.5, 312, 181045, 2558]);
    const round = (variant: string): Row[] => rows.filter((r) => r.variant === variant).sort((a, b) => a.round - b.round);
    const [v5, v4] = [round('all'), round('other')];
    expect(v5.filter((r, i) => r.pins_per_s > v4[i]!.pins_per_s)).toHaveLength(3);
    expect(v5.filter((r, i) => r.cassandra_cpu_us_per_pin < v4[i]!.cassandra_cpu_us_per_pin)).toHaveLength(3);
    expect(Math.round((1 - 453.5 / 480) * 1000) / 10).toBe(5.5);
    expect(Math.round((1 - 312 / 453.5) * 100)).toBe(31);
  });

  it('the pipeline pair (writer-ab) as quoted', () => {
    const rows = jsonLines<{ variant: string; pins_per_s: number; cassandra_cpu_us_per_pin: number }>('writer-ab/2026-12-07-schema-5-vs-4-latency-250.ab.ndjson');
    const of = (v: string, k: 'pins_per_s' | 'cassandra_cpu_us_per_pin'): number[] => rows.filter((r) => r.variant === v).map((r) => r[k]);
    expect(of('v5', 'pins_per_s')).toEqual([924, 1031, 1350]);
    expect(of('v4', 'pins_per_s')).toEqual([942, 954, 1289]);
    expect(of('v5', 'cassandra_cpu_us_per_pin')).toEqual([817, 761, 811]);
    expect(of('v4', 'cassandra_cpu_us_per_pin')).toEqual([797, 834, 840]);
  });
});

describe('the 2026-12-07 re-run at 100,000 pins with --peer ipfs-cluster that docs/benchmarks.md quotes', () => {
  it('recomputes every figure in its table', () => {
    const s = summarize(readRunLog(join(ROOT, 'docs/bench-runs/2026-12-07-pins-100000-peer-ipfs-cluster.ndjson')));
    expect([s.ceiling_pins_per_s, s.pipeline_pins_per_s, s.naive_pins_per_s, s.pipeline_vs_ceiling]).toEqual([2800.7, 1922.1, 247.3, 0.686]);
    expect([s.offered_pins_per_s, s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99, s.latency_ops, s.latency_lost]).toEqual([961, 206.3, 500.2, 601.7, 28828, 0]);
    expect(s.latency_warmup_ms).toMatchObject({ seconds: 3 });
    expect(s.latency_legs_ms).toEqual({ producer: { p50: 7.1, p99: 169.9 }, to_event: { p50: 190, p99: 561.9 }, event_delivery: { p50: 12.3, p99: 165.6 } });
    expect(s.writer_batches.latency).toMatchObject({ batches: 6201, ops_per_batch: 4.6, apply_ms: 81.8, publish_ms: 19.6, commit_ms: 35.3 });
    expect([s.get_p50_ms, s.get_p99_ms, Math.round(s.list_pins_per_s), s.list_pins]).toEqual([0.47, 2.258, 36884, 117297]);
    expect([s.writer_cpu_us_per_pin, s.writer_peak_rss_mb]).toEqual([284.8, 375.7]);
    expect([s.ipfs_cluster_pins_per_s, s.pinstate_vs_ipfs_cluster]).toEqual([1832.8, 1.05]);
    expect(s.server_cpu_us_per_pin.ceiling['cassandra']).toBe(582.4);
    expect(s.server_cpu_us_per_pin.pipeline['cassandra']).toBe(626.9);
    expect(s.server_cpu_us_per_pin.naive['cassandra']).toBe(3574.2);
  });
});

describe('the 2026-12-07 heap-cap rounds and heap snapshots that docs/benchmarks.md quotes (Memory)', () => {
  interface Row {
    variant: string;
    pins_per_s: number;
    writer_cpu_us_per_pin: number;
    writer_peak_rss_mb: number;
  }
  const rows = ['a', 'b'].flatMap((set) => jsonLines<Row>(`writer-ab/2026-12-07-heap-cap-worker-${set}.ab.ndjson`));

  it.each([
    ['cap0', 5, 2295, 268, [384, 424]],
    ['cap160', 5, 1984, 356, [309, 316]],
    ['cap128', 3, 2015, 345, [306, 313]],
    ['flag160', 2, 1832, 372.5, [233, 236]],
  ])('%s: runs, median pins/s and CPU µs/pin, RSS range', (variant, runs, pinsPerS, cpu, [low, high]) => {
    const of = rows.filter((r) => r.variant === variant);
    expect(of).toHaveLength(runs);
    expect(median(of.map((r) => r.pins_per_s))).toBe(pinsPerS);
    expect(median(of.map((r) => r.writer_cpu_us_per_pin))).toBe(cpu);
    const rss = of.map((r) => r.writer_peak_rss_mb);
    expect([Math.min(...rss), Math.max(...rss)]).toEqual([low, high]);
  });

  interface HeapSummary {
    live_mb: number;
    by_kind: Array<{ kind: string; mb: number; count: number }>;
    array_element_shapes: Array<{ props: string; count: number }>;
  }
  const heap = (n: number): HeapSummary => JSON.parse(readFileSync(join(ROOT, `docs/profiles/writer-heap-2026-12-07-${n}.json`), 'utf8')) as HeapSummary;
  const countOf = (h: HeapSummary, kind: string): number | undefined => h.by_kind.find((k) => k.kind === kind)?.count;
  const shape = (h: HeapSummary, props: string): number => h.array_element_shapes.find((s) => s.props === props)?.count ?? 0;
  const statements = (h: HeapSummary): number =>
    h.array_element_shapes.filter((s) => s.props.split(',').includes('query') && s.props.split(',').includes('params')).reduce((n, s) => n + s.count, 0);

  it.each([
    [1, 42.22, 45_140, 0, 1752, 4688, undefined, undefined],
    [2, 65.17, 156_348, 40_318, 4708, 4708, 22_369, 17_904],
    [3, 61.24, 131_041, 33_966, 3694, 3694, 17_561, 14_092],
  ])('snapshot %i: live MB, plain objects, statements, op results, Kafka messages, Dates, Longs', (n, live, objects, stmts, results, messages, dates, longs) => {
    const h = heap(n);
    expect(h.live_mb).toBe(live);
    expect(countOf(h, 'object Object')).toBe(objects);
    expect(statements(h)).toBe(stmts);
    expect(shape(h, 'event,message,op,outcome,placementChanges,reason')).toBe(results);
    expect(shape(h, 'batchContext,headers,isControlRecord,key,offset,timestamp,value')).toBe(messages);
    expect(countOf(h, 'object Date')).toBe(dates);
    expect(countOf(h, 'object Long')).toBe(longs);
  });

  it('snapshot 2 holds 5,883 peer_buckets statements, about nine statements per op in flight', () => {
    const h = heap(2);
    expect(shape(h, 'once,params,query,routingKey')).toBe(5883);
    expect(Math.round(statements(h) / shape(h, 'event,message,op,outcome,placementChanges,reason'))).toBe(9);
    expect(Math.round(statements(heap(3)) / shape(heap(3), 'event,message,op,outcome,placementChanges,reason'))).toBe(9);
  });

  it('code is 10.3–10.5 MB and strings 9.8–11.5 MB of every snapshot', () => {
    const mbOf = (h: HeapSummary, kind: string): number => h.by_kind.find((k) => k.kind === kind)!.mb;
    const hs = [1, 2, 3].map(heap);
    expect(hs.map((h) => mbOf(h, 'code'))).toEqual([10.28, 10.36, 10.49]);
    expect(hs.map((h) => mbOf(h, 'string'))).toEqual([9.83, 11.47, 11.1]);
  });
});

describe('the 2026-12-07 plain-number rounds that docs/benchmarks.md quotes (Memory)', () => {
  const rows = jsonLines<{ variant: string; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number }>('writer-ab/2026-12-07-plain-number-values.ab.ndjson');

  it.each([
    ['base', 2343, 263, 403],
    ['numbers', 2333, 256, 398],
  ])('%s: medians of pins/s, CPU µs/pin and peak RSS over three rounds', (variant, pinsPerS, cpu, rss) => {
    const of = rows.filter((r) => r.variant === variant);
    expect(of).toHaveLength(3);
    expect([median(of.map((r) => r.pins_per_s)), median(of.map((r) => r.writer_cpu_us_per_pin)), median(of.map((r) => r.writer_peak_rss_mb))]).toEqual([pinsPerS, cpu, rss]);
  });
});

describe('the 2026-12-07 fetch-size rounds that docs/benchmarks.md quotes (Memory)', () => {
  const rows = jsonLines<{ variant: string; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number; drain_apply_ms: number }>('writer-ab/2026-12-07-fetch-bytes-1024-vs-512.ab.ndjson');

  it.each([
    ['f1024', 2368, 259, 381, [365, 415], 769.5],
    ['f512', 2254, 260, 343, [335, 354], 410.4],
  ])('%s: medians of pins/s, CPU µs/pin, peak RSS (and its range) and mean apply per batch', (variant, pinsPerS, cpu, rss, [low, high], apply) => {
    const of = rows.filter((r) => r.variant === variant);
    expect(of).toHaveLength(3);
    const peaks = of.map((r) => r.writer_peak_rss_mb);
    expect([median(of.map((r) => r.pins_per_s)), median(of.map((r) => r.writer_cpu_us_per_pin)), median(peaks), Math.min(...peaks), Math.max(...peaks), median(of.map((r) => r.drain_apply_ms))]).toEqual([pinsPerS, cpu, rss, low, high, apply]);
  });
});

describe('the 2026-12-07 three-round sets that the docs quote (Memory: peer buckets, heap_growing_percent default against 0; docs/profiles/writer.md: the key partitioner)', () => {
  type Row = { variant: string; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number; cassandra_cpu_us_per_pin: number };

  it.each([
    ['peer-bucket-skip', 'base', 2380, 251, 398, [391, 401]],
    ['peer-bucket-skip', 'skip', 2440, 247, 377, [376, 403]],
    ['heap-growing-default-vs-0', 'v8', 1955, 309, 389, [369, 397]],
    ['heap-growing-default-vs-0', 'default', 1921, 331, 252, [251, 276]],
    ['key-partitioner', 'base', 1804, 347, 265, [257, 276]],
    ['key-partitioner', 'part', 1850, 343, 256, [253, 277]],
  ])('%s, %s: medians of pins/s, CPU µs/pin and peak RSS, and the RSS range', (log, variant, pinsPerS, cpu, rss, [low, high]) => {
    expect(abFigures(jsonLines<Row>(`writer-ab/2026-12-07-${log}.ab.ndjson`), variant, 3)).toEqual([pinsPerS, cpu, rss, low, high]);
  });

  it('the heap_growing_percent set ran on a loaded machine: Cassandra CPU per pin as quoted', () => {
    const cpu = jsonLines<Row>('writer-ab/2026-12-07-heap-growing-default-vs-0.ab.ndjson').map((r) => r.cassandra_cpu_us_per_pin);
    expect([Math.min(...cpu), Math.max(...cpu)]).toEqual([521, 662]);
  });
});

describe('the 2026-12-07 memory sets that docs/benchmarks.md quotes (Memory: heap growing, ops planned at once)', () => {
  type Row = { variant: string; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number };
  const range = (xs: readonly number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];

  it.each([
    ['heap-growing-0-100-60', 'v8', [2084, 2393], [252, 287], [372, 405]],
    ['heap-growing-0-100-60', 'hgp100', [2149, 2187], [282, 300], [263, 275]],
    ['heap-growing-0-100-60', 'hgp60', [2012, 2045], [320, 324], [256, 259]],
    ['op-budget-500-1500', 'off', [2405, 2464], [239, 244], [377, 390]],
    ['op-budget-500-1500', 'b500', [2213, 2219], [246, 251], [352, 361]],
    ['op-budget-500-1500', 'b1500', [2174, 2290], [253, 260], [355, 361]],
    ['partitions-concurrently-64-8-16-memory', 'pc64', [1356, 2490], [242, 277], [372, 403]],
    ['partitions-concurrently-64-8-16-memory', 'pc8', [1890, 2309], [252, 260], [332, 359]],
    ['partitions-concurrently-64-8-16-memory', 'pc16', [1959, 2299], [255, 300], [378, 398]],
  ])('%s, %s: ranges of pins/s, CPU µs/pin and peak RSS over two rounds', (log, variant, pinsPerS, cpu, rss) => {
    const of = jsonLines<Row>(`writer-ab/2026-12-07-${log}.ab.ndjson`).filter((r) => r.variant === variant);
    expect(of).toHaveLength(2);
    expect([range(of.map((r) => r.pins_per_s)), range(of.map((r) => r.writer_cpu_us_per_pin)), range(of.map((r) => r.writer_peak_rss_mb))]).toEqual([pinsPerS, cpu, rss]);
  });
});

describe('the 2026-12-07 Node 24 rounds that docs/benchmarks.md quotes (Memory: Node 24 needs more)', () => {
  type Row = { variant: string; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number };

  it.each([
    ['node24-heap-growing-default-vs-0', 'v8', 2099, 251, 520],
    ['node24-heap-growing-default-vs-0', 'default', 2365, 242, 385],
    ['node24-semi-space-16', 'v8-semi16', 2326, 238, 451],
    ['node24-semi-space-16', 'default-semi16', 2104, 275, 295],
  ])('%s, %s: pins/s, CPU µs/pin and peak RSS of its one round', (log, variant, pinsPerS, cpu, rss) => {
    const of = jsonLines<Row>(`writer-ab/2026-12-07-${log}.ab.ndjson`).filter((r) => r.variant === variant);
    expect(of.map((r) => [r.pins_per_s, r.writer_cpu_us_per_pin, r.writer_peak_rss_mb])).toEqual([[pinsPerS, cpu, rss]]);
  });
});

describe('the two 2026-12-07 re-runs with the heap default that docs/benchmarks.md quotes', () => {
  it.each([
    [1, [2130, 2085.8, 289.7, 0.979], [1043, 423.9, 1005.8, 1228.1], [0.503, 1.576, 38270.9], [289.1, 239.7], [2064.9, 1.01], 4210.3],
    [2, [3144, 1731.7, 259.7, 0.551], [866, 182.9, 835.8, 1115.5], [0.446, 1.785, 36100.7], [334.9, 226.8], [1881.5, 0.92], 4428],
  ])('run %i: every figure in its column', (run, rates, latency, reads, writer, cluster, firstSample) => {
    const s = summarize(readRunLog(join(ROOT, `docs/bench-runs/2026-12-07-pins-100000-peer-ipfs-cluster-heap-default-${run}.ndjson`)));
    expect([s.ceiling_pins_per_s, s.pipeline_pins_per_s, s.naive_pins_per_s, s.pipeline_vs_ceiling]).toEqual(rates);
    expect([s.offered_pins_per_s, s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99, s.latency_lost]).toEqual([...latency, 0]);
    expect([s.get_p50_ms, s.get_p99_ms, s.list_pins_per_s]).toEqual(reads);
    expect([s.writer_cpu_us_per_pin, s.writer_peak_rss_mb]).toEqual(writer);
    expect([s.ipfs_cluster_pins_per_s, s.pinstate_vs_ipfs_cluster]).toEqual(cluster);
    // The ceiling's first sample (writer shape, 16 in flight, 10,000 pins).
    expect(s.ceiling_trials[0]).toEqual({ shape: 'writer', concurrency: 16, pins_per_s: firstSample });
  });
});

describe('the export rounds docs/benchmarks.md quotes (Memory: export, import and replay)', () => {
  it('heap_growing_percent 0 against 100: medians of peak RSS (MiB), CPU s and wall s over three rounds each', () => {
    const rows = readFileSync(join(ROOT, 'docs/bench-runs/export-heap/2026-12-07-export-heap-growing-0-vs-100.txt'), 'utf8')
      .split('\n')
      .map((l) => /^key=(\d+) (\d+) KB ([\d.]+) s ([\d.]+) u ([\d.]+) s$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => ({ key: Number(m[1]), rssKiB: Number(m[2]), wall: Number(m[3]), cpu: Number(m[4]) + Number(m[5]) }));
    const of = (key: number): number[] => {
      const r = rows.filter((x) => x.key === key);
      expect(r).toHaveLength(3);
      return [Math.round((median(r.map((x) => x.rssKiB)) / 1024) * 10) / 10, Math.round(median(r.map((x) => x.cpu)) * 100) / 100, median(r.map((x) => x.wall))];
    };
    expect(of(0)).toEqual([225.2, 5.37, 5.34]);
    expect(of(100)).toEqual([159.6, 5.7, 5.54]);
  });
});

describe('the 2026-12-07 re-run under Node 24 that docs/benchmarks.md quotes', () => {
  it('every figure in its column', () => {
    const s = summarize(readRunLog(join(ROOT, 'docs/bench-runs/2026-12-07-pins-100000-peer-ipfs-cluster-node24.ndjson')));
    expect([s.ceiling_pins_per_s, s.pipeline_pins_per_s, s.naive_pins_per_s, s.pipeline_vs_ceiling]).toEqual([3367.1, 1962.7, 269.3, 0.583]);
    expect([s.offered_pins_per_s, s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99, s.latency_lost]).toEqual([981, 171.7, 539.7, 682, 0]);
    expect([s.get_p50_ms, s.get_p99_ms, s.list_pins_per_s]).toEqual([0.461, 1.901, 33300.5]);
    expect([s.writer_cpu_us_per_pin, s.writer_peak_rss_mb]).toEqual([268.5, 303.1]);
    expect([s.ipfs_cluster_pins_per_s, s.pinstate_vs_ipfs_cluster]).toEqual([2348.4, 0.84]);
    expect([s.latency_legs_ms?.producer.p99, s.latency_legs_ms?.to_event.p99]).toEqual([227.4, 661.1]);
    // The log says which node and heap settings it measured.
    const text = readFileSync(join(ROOT, 'docs/bench-runs/2026-12-07-pins-100000-peer-ipfs-cluster-node24.ndjson'), 'utf8');
    expect(text).toContain('"node":"v24.21.0"');
    expect(text).toContain('"heap_semi_space_mb":16');
  });
});

describe('the 2026-12-07 fetch-size rounds under load that docs/benchmarks.md quotes (Memory: half the fetch)', () => {
  const rows = jsonLines<{ variant: string; lat_p50_ms: number; lat_p99_ms: number; lat_apply_ms: number; lat_lost: number }>('writer-ab/2026-12-07-fetch-bytes-1024-vs-512-latency-900.ab.ndjson');

  it.each([
    ['f1024', 171.8, 501.6, 68.4, [404.8, 541.5]],
    ['f512', 175.7, 486.6, 70.8, [466.2, 529.9]],
  ])('%s: medians of latency p50 / p99 and apply, and the p99 range', (variant, p50, p99, apply, [low, high]) => {
    const of = rows.filter((r) => r.variant === variant);
    expect(of).toHaveLength(3);
    expect(of.every((r) => r.lat_lost === 0)).toBe(true);
    const p99s = of.map((r) => r.lat_p99_ms);
    expect([median(of.map((r) => r.lat_p50_ms)), median(p99s), median(of.map((r) => r.lat_apply_ms)), Math.min(...p99s), Math.max(...p99s)]).toEqual([p50, p99, apply, low, high]);
  });
});

describe('medians behind the Memory section prose (2026-12-07)', () => {
  type Row = { variant: string; round: number; pins_per_s: number; writer_cpu_us_per_pin: number; writer_peak_rss_mb: number; cassandra_cpu_us_per_pin: number };
  const of = (log: string, variant: string, key: keyof Row): number => median(jsonLines<Row>(`writer-ab/2026-12-07-${log}.ab.ndjson`).filter((r) => r.variant === variant).map((r) => Number(r[key])));

  it('heap growing: CPU per pin medians 269.5 (V8) against 291 (100 %) and 322 (60 %)', () => {
    expect(['v8', 'hgp100', 'hgp60'].map((v) => of('heap-growing-0-100-60', v, 'writer_cpu_us_per_pin'))).toEqual([269.5, 291, 322]);
  });

  it('op budget: peak RSS medians 383.5 against 356.5 and 358 MB; pipeline 2,434.5 against 2,216 and 2,232 pins/s', () => {
    expect(['off', 'b500', 'b1500'].map((v) => of('op-budget-500-1500', v, 'writer_peak_rss_mb'))).toEqual([383.5, 356.5, 358]);
    expect(['off', 'b500', 'b1500'].map((v) => of('op-budget-500-1500', v, 'pins_per_s'))).toEqual([2434.5, 2216, 2232]);
  });

  it("partitions at once: pc64's first round cost Cassandra 1,021 µs per pin, the set's other runs 488–700", () => {
    const rows = jsonLines<Row>('writer-ab/2026-12-07-partitions-concurrently-64-8-16-memory.ab.ndjson');
    expect(rows[0]).toMatchObject({ variant: 'pc64', round: 0, cassandra_cpu_us_per_pin: 1021 });
    const others = rows.slice(1).map((r) => r.cassandra_cpu_us_per_pin);
    expect([Math.min(...others), Math.max(...others)]).toEqual([488, 700]);
  });
});

describe('the partitioner micro-benchmark docs/profiles/writer.md quotes (2026-12-07)', () => {
  it('kafkajs 3.13 against pinstate 0.26 µs of CPU per message (medians of 6 rounds), the same partitions', () => {
    type Row = { side: string; round: number; cpu_us_per_message: number; checksum: number };
    const rows = jsonLines<Row>('partitioner-ab/2026-12-07-kafkajs-vs-pinstate.txt');
    const of = (side: string): Row[] => rows.filter((r) => r.side === side);
    expect([of('kafkajs').length, of('pinstate').length]).toEqual([6, 6]);
    const med = (side: string): number => Math.round(median(of(side).map((r) => r.cpu_us_per_message)) * 100) / 100;
    expect([med('kafkajs'), med('pinstate')]).toEqual([3.13, 0.26]);
    // Every round of both sides summed the same partitions.
    expect(new Set(rows.map((r) => r.checksum)).size).toBe(1);
  });
});
