/**
 * The summary's writer batch breakdown comes from the run log's writer histograms, so the latency
 * table in docs/benchmarks.md is recomputed by `pinstate bench --summarize`, not written by hand.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatJson, formatTable } from '../../../src/bench/report.js';
import { readRunLog, type LogLine } from '../../../src/bench/run-log.js';
import { batchBreakdown, summarize } from '../../../src/bench/summary.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
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
