/**
 * The figures docs/benchmarks.md quotes for the stand-in's off-heap memtables ("The stand-in's
 * memtables off the JVM heap"), recomputed from the kept run logs and the kept flush lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRunLog } from '../../../src/bench/run-log.js';
import { summarize } from '../../../src/bench/summary.js';
import { jsonLines, median } from '../../support/kept-logs.js';

const DIR = join(fileURLToPath(new URL('../../../', import.meta.url)), 'docs/bench-runs/cassandra-offheap');
const runs = (variant: string, n: number): Array<ReturnType<typeof summarize>> =>
  Array.from({ length: n }, (_, i) => summarize(readRunLog(join(DIR, `2026-12-07-${variant}-${i + 1}-pins-50000.ndjson`))));

type Summary = ReturnType<typeof summarize>;
const figures: Array<[string, (s: Summary) => number]> = [
  ['ceiling', (s) => s.ceiling_pins_per_s],
  ['pipeline', (s) => s.pipeline_pins_per_s],
  ['ratio', (s) => s.pipeline_vs_ceiling],
  ['offered', (s) => s.offered_pins_per_s],
  ['p50', (s) => s.latency_ms.p50],
  ['p99', (s) => s.latency_ms.p99],
  ['apply', (s) => s.writer_batches.latency?.apply_ms ?? Number.NaN],
  ['cassandra ceiling', (s) => (s.server_cpu_us_per_pin.ceiling?.['cassandra'] ?? Number.NaN)],
  ['cassandra pipeline', (s) => (s.server_cpu_us_per_pin.pipeline?.['cassandra'] ?? Number.NaN)],
  ['writer', (s) => s.writer_cpu_us_per_pin],
  ['list', (s) => s.list_pins_per_s],
];

describe('Cassandra memtables on and off the JVM heap, 3 runs each (2026-12-07)', () => {
  it.each([
    // ceiling, pipeline, ratio, offered, p50, p99, apply, Cassandra ceiling / pipeline, writer, list
    ['heap', [2838.7, 1731.9, 0.61, 866, 259.2, 680, 82.7, 626.6, 684.8, 304, 28827.7], [622.2, 2183.4]],
    ['offheap', [3806, 1565.5, 0.403, 783, 101.9, 291.3, 37.7, 453.8, 728.6, 300.2, 33812.4], [284.9, 416.8]],
  ])('%s: the medians in the table, and the p99 range', (variant, medians, [low, high]) => {
    const of = runs(variant, 3);
    // Every run applied every pin in every mode and lost no latency op.
    for (const s of of) {
      expect([s.applied.ceiling, s.applied.pipeline, s.applied.naive, s.latency_lost]).toEqual([50_000, 50_000, 1000, 0]);
    }
    expect(figures.map(([, f]) => median(of.map(f)))).toEqual(medians);
    const p99s = of.map((s) => s.latency_ms.p99);
    expect([Math.min(...p99s), Math.max(...p99s)]).toEqual([low, high]);
  });

  it('trie memtables off the heap: the one run the section quotes', () => {
    const [s] = runs('trie-offheap', 1);
    expect([s!.ceiling_pins_per_s, s!.pipeline_pins_per_s, s!.latency_ms.p99, s!.server_cpu_us_per_pin.ceiling?.['cassandra'], s!.server_cpu_us_per_pin.pipeline?.['cassandra']]).toEqual([3281.8, 1457.9, 967.9, 550, 705]);
  });

  it('on the heap: the memtable-limit flushes were of 4.7–34.2 MiB of heap each', () => {
    const usage = [1, 2, 3].flatMap((i) =>
      readFileSync(join(DIR, `2026-12-07-heap-${i}.cassandra-flushes.txt`), 'utf8')
        .split('\n')
        .filter((x) => x.includes('Reason: MEMTABLE_LIMIT'))
        .map((x) => Number(/Usage: ([0-9.]+)MiB/.exec(x)?.[1])),
    );
    expect(usage.every(Number.isFinite)).toBe(true);
    expect([Math.min(...usage), Math.max(...usage)]).toEqual([4.722, 34.247]);
  });

  it.each([
    ['heap', [261, 137, 126], [71, 32, 32]],
    ['offheap', [54, 52, 54], [15, 13, 14]],
  ])('%s: memtable-limit flushes and compactions per run, from the kept Cassandra lines', (variant, flushes, compactions) => {
    const lines = [1, 2, 3].map((i) => readFileSync(join(DIR, `2026-12-07-${variant}-${i}.cassandra-flushes.txt`), 'utf8').split('\n'));
    expect(lines.map((l) => l.filter((x) => x.includes('Reason: MEMTABLE_LIMIT')).length)).toEqual(flushes);
    expect(lines.map((l) => l.filter((x) => x.includes('Compacted (')).length)).toEqual(compactions);
    // No G1 pause over 200 ms was logged in any of them.
    expect(lines.every((l) => !l.some((x) => x.includes('GCInspector')))).toBe(true);
  });
});

/** The figures of an issue-15 bench log (docs/bench-runs/<name>.ndjson) that the quiet-machine table quotes, in its row order. */
function issueBenchColumn(name: string): unknown[][] {
  const s = summarize(readRunLog(join(DIR, '..', `${name}.ndjson`)));
  return [
    [s.ceiling_pins_per_s, s.pipeline_pins_per_s, s.naive_pins_per_s, s.pipeline_vs_ceiling],
    [s.offered_pins_per_s, s.latency_ms.p50, s.latency_ms.p95, s.latency_ms.p99, s.latency_lost],
    [s.latency_legs_ms?.producer.p99, s.latency_legs_ms?.to_event.p99, s.writer_batches.latency?.fetch_age_ms?.p99],
    [s.get_p50_ms, s.get_p99_ms, s.list_pins_per_s],
    [s.writer_cpu_us_per_pin, s.server_cpu_us_per_pin.ceiling?.['cassandra'], s.server_cpu_us_per_pin.pipeline?.['cassandra'], s.writer_peak_rss_mb],
    [s.ipfs_cluster_pins_per_s, s.pinstate_vs_ipfs_cluster],
  ];
}

describe('the quiet-machine issue benches of 2026-12-07 that docs/benchmarks.md quotes', () => {
  it.each([
    [
      '2026-12-07-pins-100000-peer-ipfs-cluster-quiet',
      [[2818.2, 1738.2, 299.5, 0.617], [869, 137.9, 518.5, 662.8, 0], [168.2, 605.4, 426.9], [0.589, 2.503, 30184.9], [302.8, 607.6, 648.1, 248.5], [1693.8, 1.03]],
    ],
    [
      '2026-12-07-pins-100000-peer-ipfs-cluster-offheap',
      [[4578.1, 2320.9, 251.8, 0.507], [1160, 126.8, 332, 440.9, 0], [77.9, 421.4, 240.1], [0.474, 2.142, 39312.1], [273.7, 344.9, 460.3, 250.2], [1996.4, 1.16]],
    ],
  ])('%s: every figure in its column', (name, column) => {
    expect(issueBenchColumn(name)).toEqual(column);
  });

  it('its latency mode in half-second windows of sends: where the slow ops and the slow producer acks were', () => {
    const line = jsonLines<{ phase: string; seconds: number; latencies_ms: number[]; acked_ms: number[] }>('2026-12-07-pins-100000-peer-ipfs-cluster-quiet.ndjson').find((l) => l.phase === 'latency')!;
    const per = Math.round(line.latencies_ms.length / line.seconds / 2);
    const windows: Array<{ slowest: number; ack: number }> = [];
    for (let i = 0; i < line.latencies_ms.length; i += per) {
      windows.push({ slowest: Math.max(...line.latencies_ms.slice(i, i + per)), ack: Math.max(...line.acked_ms.slice(i, i + per)) });
    }
    const slow = windows.filter((w) => w.slowest > 500);
    const rest = windows.filter((w) => w.slowest <= 500);
    expect([windows.length, slow.length]).toEqual([30, 7]);
    const restAck = Math.max(...rest.map((w) => w.ack));
    expect(restAck).toBe(118.8);
    const slowerAcks = slow.map((w) => w.ack).filter((a) => a > restAck);
    expect([slowerAcks.length, Math.min(...slowerAcks), Math.max(...slowerAcks)]).toEqual([4, 139.9, 271.7]);
  });
});
