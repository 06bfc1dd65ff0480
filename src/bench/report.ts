/** The summary for people (a table with the targets) and for scripts (one JSON line). Pure. */
import type { BatchBreakdown, BenchSummary, LatencyLegs, Quantiles } from './summary.js';

/** Issue 7's targets; `met` reads the summary. */
export const TARGETS = [
  { name: 'pipeline_vs_ceiling', goal: '>= 0.8', met: (s: BenchSummary) => s.pipeline_vs_ceiling >= 0.8 },
  { name: 'pipeline_vs_naive', goal: '>= 10', met: (s: BenchSummary) => s.pipeline_vs_naive >= 10 },
  { name: 'latency p99', goal: '<= 100 ms', met: (s: BenchSummary) => s.latency_ms.p99 <= 100 && s.latency_lost === 0 },
  { name: 'list', goal: '>= 50,000 pins/s', met: (s: BenchSummary) => s.list_pins_per_s >= 50_000 },
  { name: 'get p99', goal: '<= 5 ms', met: (s: BenchSummary) => s.get_p99_ms <= 5 },
] as const;

const n = (v: number | null, digits = 0): string => (v === null || !Number.isFinite(v) ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

function breakdown(b: BatchBreakdown | null): string {
  if (b === null) return '-';
  const age = b.fetch_age_ms === undefined ? '' : `; fetched at age p50 ${n(b.fetch_age_ms.p50, 1)} / p99 ${n(b.fetch_age_ms.p99, 1)} ms`;
  return `${n(b.ops_per_batch, 1)} ops; ${n(b.apply_ms, 1)} / ${n(b.publish_ms, 1)} / ${n(b.commit_ms, 1)} ms (${n(b.batches)} batches)${age}`;
}

function legs(l: LatencyLegs): string {
  const q = (x: Quantiles): string => `${n(x.p50, 1)} / ${n(x.p99, 1)}`;
  return `${q(l.producer)}; ${q(l.to_event)}; +${q(l.event_delivery)} ms`;
}

export function formatTable(s: BenchSummary, logPath: string): string {
  const ingest = table([
    ['mode', 'pins/s', 'vs ceiling', 'pins applied'],
    [`ceiling (${s.ceiling_shape}, ${s.ceiling_concurrency} in flight)`, n(s.ceiling_pins_per_s), '1.00', n(s.applied.ceiling)],
    ['pipeline (writer process, from spawn)', n(s.pipeline_pins_per_s), n(s.pipeline_vs_ceiling, 2), n(s.applied.pipeline)],
    ['pipeline (from consumer running)', n(s.pipeline_drain_pins_per_s), n(s.pipeline_drain_pins_per_s / s.ceiling_pins_per_s, 2), '-'],
    ['naive (eachMessage, 1 write/op)', n(s.naive_pins_per_s), n(s.naive_pins_per_s / s.ceiling_pins_per_s, 3), n(s.applied.naive)],
    ...(s.ipfs_cluster_pins_per_s === null ? [] : [['ipfs-cluster 1.1.0 (1 peer, crdt batching, REST API)', n(s.ipfs_cluster_pins_per_s), n(s.ipfs_cluster_pins_per_s / s.ceiling_pins_per_s, 3), '-']]),
  ]);
  const trials = table([
    ['ceiling sweep (sample pins, same rows)', 'pins/s', 'in flight'],
    ...s.ceiling_trials.map((t) => [`  ${t.shape}${t.shape === 'writer' ? ' (logged core batch)' : ''}`, n(t.pins_per_s), n(t.concurrency)]),
  ]);
  const other = table([
    ['figure', 'value'],
    ['pipeline vs naive', `${n(s.pipeline_vs_naive, 1)}x`],
    ...(s.pinstate_vs_ipfs_cluster === null ? [] : [['pinstate vs ipfs-cluster (pipeline ÷ ipfs-cluster)', `${n(s.pinstate_vs_ipfs_cluster, 2)}x`]]),
    [`latency p50 / p95 / p99 / max at ${n(s.offered_pins_per_s)} pins/s`, `${n(s.latency_ms.p50, 1)} / ${n(s.latency_ms.p95, 1)} / ${n(s.latency_ms.p99, 1)} / ${n(s.latency_ms.max, 1)} ms`],
    ['latency ops (lost)', `${n(s.latency_ops)} (${n(s.latency_lost)})`],
    ...(s.latency_warmup_ms === null ? [] : [[`latency warm-up before it (${n(s.latency_warmup_ms.seconds)} s, ${n(s.latency_warmup_ms.ops)} ops, not counted above): p50 / p99`, `${n(s.latency_warmup_ms.p50, 1)} / ${n(s.latency_warmup_ms.p99, 1)} ms`]]),
    ...(s.latency_legs_ms === null ? [] : [['latency legs p50 / p99: producer ack; event published; + delivery', legs(s.latency_legs_ms)]]),
    ...(['latency', 'pipeline'] as const).map((phase) => [`writer batch, ${phase === 'latency' ? 'latency mode' : 'backlog drain'} (mean ops; apply / publish / commit)`, breakdown(s.writer_batches[phase])]),
    ['get p50 / p99', `${n(s.get_p50_ms, 2)} / ${n(s.get_p99_ms, 2)} ms`],
    [`list (${n(s.list_pins)} pins)`, `${n(s.list_pins_per_s)} pins/s, RSS +${n(s.list_rss_growth_mb, 1)} MB`],
    ['export (child process)', s.export_pins_per_s === null ? '-' : `${n(s.export_pins_per_s)} pins/s, peak RSS ${n(s.export_peak_rss_mb, 1)} MB`],
    ['writer CPU per pin', `${n(s.writer_cpu_us_per_pin, 1)} µs`],
    ...(['ceiling', 'pipeline', 'naive'] as const).map((mode) => [
      `server CPU per pin, ${mode}`,
      Object.entries(s.server_cpu_us_per_pin[mode]).map(([role, us]) => `${role} ${n(us, 0)} µs`).join(', ') || '-',
    ]),
    ['writer peak RSS', `${n(s.writer_peak_rss_mb, 1)} MB`],
    ['group lag after (pipeline / naive)', `${n(s.lag.pipeline)} / ${n(s.lag.naive)}`],
  ]);
  const targets = table([['target', 'goal', 'result'], ...TARGETS.map((t) => [t.name, t.goal, t.met(s) ? 'met' : 'NOT met'])]);
  return `\npinstate bench: ${n(s.pins)} pins (UpsertPin + SetDesiredPlacement each)\n\n${ingest}\n\n${s.ceiling_trials.length > 0 ? `${trials}\n\n` : ''}${other}\n\n${targets}\n\nrun log: ${logPath}\n`;
}

export function formatJson(s: BenchSummary, logPath: string): string {
  return `${JSON.stringify({ ...s, log: logPath })}\n`;
}
