/**
 * The benchmark's figures, computed from the run log's lines only: the run prints exactly what
 * anyone can recompute from its .ndjson file (`pinstate bench --summarize <file>`). Pure.
 */
import { parseValue, quantile } from '../prom-text.js';
import type { LogLine } from './run-log.js';

/** Nearest-rank percentile of unsorted values (NaN for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Where the writer's batches spent their time during one phase: means per batch from the writer's
 * own histograms (pinstate_writer_*), as scraped into the run log at the phase's start and end.
 */
export interface BatchBreakdown {
  /** Batches the writer applied in the phase (pinstate_writer_batch_ops count). */
  readonly batches: number;
  readonly ops_per_batch: number;
  /** Mean ms per batch: store apply (reads, derived rows, the logged core batch). */
  readonly apply_ms: number;
  /** Mean ms per batch: publishing its events and placement changes. */
  readonly publish_ms: number;
  /** Mean ms per batch: committing its offsets. */
  readonly commit_ms: number;
  /**
   * How long a fetched batch's oldest op had waited in Kafka when the writer received it,
   * p50 / p99 ms from the histogram's buckets (absent in logs from before the histogram).
   */
  readonly fetch_age_ms?: { readonly p50: number; readonly p99: number };
}

/**
 * The latency mode's ops split at two points, p50 / p99 ms of each leg over the ops that arrived:
 * - `producer`: scheduled send → the producer SDK's acknowledgement (its queue, linger, acks=all);
 * - `to_event`: scheduled send → the writer publishing the op's event (the event record's
 *   timestamp), so it includes the producer's send, the wait in Kafka and the writer's apply;
 * - `event_delivery`: that publish → the bench's events consumer receiving the event.
 */
export interface LatencyLegs {
  readonly producer: Quantiles;
  readonly to_event: Quantiles;
  readonly event_delivery: Quantiles;
}

export interface Quantiles {
  readonly p50: number;
  readonly p99: number;
}

export interface BenchSummary {
  readonly pins: number;
  readonly ceiling_pins_per_s: number;
  readonly ceiling_shape: string;
  readonly ceiling_concurrency: number;
  /** The sweep's trials on sample pins: every request shape for the same rows, pins/s. */
  readonly ceiling_trials: ReadonlyArray<{ readonly shape: string; readonly concurrency: number; readonly pins_per_s: number }>;
  /** From the writer's spawn to the last commit. */
  readonly pipeline_pins_per_s: number;
  /** From the writer printing "running" (consumer joined) to the last commit. */
  readonly pipeline_drain_pins_per_s: number;
  readonly naive_pins_per_s: number;
  readonly pipeline_vs_ceiling: number;
  readonly pipeline_vs_naive: number;
  readonly latency_ms: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
  readonly offered_pins_per_s: number;
  readonly latency_ops: number;
  readonly latency_lost: number;
  /**
   * The writer's batches in the latency mode and while draining the backlog (null for a phase
   * whose log line has no writer metrics: `--no-writer-metrics`, or a failed scrape).
   */
  readonly writer_batches: { readonly latency: BatchBreakdown | null; readonly pipeline: BatchBreakdown | null };
  /**
   * The latency mode's warm-up (`--latency-warmup-seconds`): its ops are not in latency_ms (null
   * for logs from before the warm-up, or a run without one). Its lost ops count in latency_lost.
   */
  readonly latency_warmup_ms: { readonly ops: number; readonly seconds: number; readonly p50: number; readonly p99: number } | null;
  /** Where the latency mode's time went, per op (null in logs from before these were kept). */
  readonly latency_legs_ms: LatencyLegs | null;
  readonly get_p50_ms: number;
  readonly get_p99_ms: number;
  readonly list_pins_per_s: number;
  readonly list_pins: number;
  /** Growth of the bench process's RSS while list() ran (its memory is pages in flight, not the pinset). */
  readonly list_rss_growth_mb: number;
  /** Writer CPU (user + system) from "running" to caught up, per pin. */
  readonly writer_cpu_us_per_pin: number;
  readonly writer_peak_rss_mb: number;
  readonly export_pins_per_s: number | null;
  readonly export_peak_rss_mb: number | null;
  /**
   * CPU of the local stack's Cassandra and Kafka per pin, by mode (null without the local stack).
   * The servers are shared: other clients' work during a phase counts too.
   */
  readonly server_cpu_us_per_pin: Readonly<Record<'ceiling' | 'pipeline' | 'naive', Readonly<Record<string, number | null>>>>;
  /** Pins each mode left in its keyspace (pin_stats), and the groups' remaining lag. */
  readonly applied: { readonly ceiling: number; readonly pipeline: number; readonly naive: number };
  readonly lag: { readonly pipeline: number; readonly naive: number };
  /** `--peer ipfs-cluster`: a single-peer IPFS Cluster's state ingest of the same pins (null without). */
  readonly ipfs_cluster_pins_per_s: number | null;
  /** pipeline_pins_per_s ÷ ipfs_cluster_pins_per_s (null without `--peer ipfs-cluster`). */
  readonly pinstate_vs_ipfs_cluster: number | null;
}

export type Fields = Record<string, unknown>;

/** The last line of `phase` in a run log; throws naming the phase when there is none. */
export function last(lines: readonly LogLine[], phase: LogLine['phase']): Fields {
  const found = [...lines].reverse().find((l) => l.phase === phase);
  if (!found) throw new Error(`the run log has no "${phase}" line`);
  return found;
}

export const num = (f: Fields, key: string): number => {
  const v = f[key];
  if (typeof v !== 'number') throw new Error(`run log field ${key} is not a number`);
  return v;
};
const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits;
const rate = (pins: number, ms: number): number => round(pins / (ms / 1000), 1);

function serverCpu(line: Fields, ticksPerSecond: number, pins: number): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [role, t] of Object.entries((line['server_ticks'] as Record<string, number | null> | undefined) ?? {})) {
    out[role] = t === null ? null : round(((t / ticksPerSecond) * 1e6) / pins, 1);
  }
  return out;
}

type Histogram = { readonly sum: number; readonly count: number };

function histogram(metrics: Record<string, unknown>, name: string): Histogram | null {
  const h = metrics[name] as Partial<Histogram> | undefined;
  return h !== undefined && typeof h.sum === 'number' && typeof h.count === 'number' ? { sum: h.sum, count: h.count } : null;
}

/** The batch breakdown of a phase's `writer_metrics` (null when a histogram is missing or no batch ran). */
export function batchBreakdown(line: Fields): BatchBreakdown | null {
  const metrics = line['writer_metrics'];
  if (metrics === null || typeof metrics !== 'object') return null;
  const m = metrics as Record<string, unknown>;
  const ops = histogram(m, 'pinstate_writer_batch_ops');
  const apply = histogram(m, 'pinstate_writer_apply_seconds');
  const publish = histogram(m, 'pinstate_writer_publish_seconds');
  const commit = histogram(m, 'pinstate_writer_commit_seconds');
  if (ops === null || apply === null || publish === null || commit === null || ops.count === 0) return null;
  // Each stage's mean over its own count: a batch with nothing to publish records no publish.
  const meanMs = (h: Histogram): number => (h.count === 0 ? 0 : round((h.sum / h.count) * 1000, 1));
  const age = ageQuantiles(m['pinstate_writer_fetch_age_seconds']);
  return { batches: ops.count, ops_per_batch: round(ops.sum / ops.count, 1), apply_ms: meanMs(apply), publish_ms: meanMs(publish), commit_ms: meanMs(commit), ...(age === null ? {} : { fetch_age_ms: age }) };
}

/** p50 / p99 in ms of a seconds histogram as the run log keeps it ({ buckets: [le, cumulative count][] }). */
function ageQuantiles(h: unknown): { p50: number; p99: number } | null {
  const buckets = (h as { buckets?: unknown } | undefined)?.buckets;
  if (!Array.isArray(buckets)) return null;
  const cumulative = (buckets as Array<[string, number]>).map(([le, count]) => ({ le: parseValue(le), count }));
  const p50 = quantile(0.5, cumulative);
  const p99 = quantile(0.99, cumulative);
  return p50 === undefined || p99 === undefined ? null : { p50: round(p50 * 1000, 1), p99: round(p99 * 1000, 1) };
}

/** p50 / p99 of the finite numbers among `values` (a log's per-op array may hold null for a missing time). */
function quantiles(values: readonly unknown[]): Quantiles {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return { p50: round(percentile(finite, 50), 1), p99: round(percentile(finite, 99), 1) };
}

/** The latency line's warm-up figures (null without a warm-up). */
function warmup(line: Fields): BenchSummary['latency_warmup_ms'] {
  const seconds = line['warmup_seconds'];
  const lat = line['warmup_latencies_ms'];
  if (typeof seconds !== 'number' || seconds === 0 || !Array.isArray(lat)) return null;
  return { ops: num(line, 'warmup_ops'), seconds, ...quantiles(lat) };
}

/** The latency line's legs (null without its per-op acked_ms / published_ms arrays). */
export function latencyLegs(line: Fields): LatencyLegs | null {
  const total = line['latencies_ms'];
  const acked = line['acked_ms'];
  const published = line['published_ms'];
  if (!Array.isArray(total) || !Array.isArray(acked) || !Array.isArray(published)) return null;
  const delivery = (total as unknown[]).map((t, i) => {
    const at: unknown = published[i];
    return typeof t === 'number' && typeof at === 'number' ? t - at : Number.NaN;
  });
  return { producer: quantiles(acked), to_event: quantiles(published), event_delivery: quantiles(delivery) };
}

/** The IPFS Cluster peer's rate: pins it accepted (POSTs without error) over the time until its state listed them. */
export function ipfsClusterRate(line: Fields): number {
  const accepted = num(line, 'pins') - num(line, 'post_errors');
  if (num(line, 'listed') < accepted) throw new Error(`the ipfs_cluster line lists ${num(line, 'listed')} of ${accepted} accepted pins: no rate`);
  return rate(accepted, num(line, 'state_ms'));
}

export function summarize(lines: readonly LogLine[]): BenchSummary {
  const run = last(lines, 'run');
  const pins = num(run, 'pins');
  const ceiling = last(lines, 'ceiling');
  const trials = lines.filter((l) => l.phase === 'ceiling_trial');
  const pipeline = last(lines, 'pipeline');
  const naive = last(lines, 'naive');
  const latency = last(lines, 'latency');
  const reads = last(lines, 'reads');
  const exp = lines.find((l) => l.phase === 'export');
  const cluster = lines.find((l) => l.phase === 'ipfs_cluster');
  const clusterRate = cluster === undefined ? null : ipfsClusterRate(cluster);

  const ceilingRate = rate(num(ceiling, 'pins'), num(ceiling, 'ms'));
  const pipelineRate = rate(pins, num(pipeline, 'caught_up_ms'));
  const running = typeof pipeline['running_ms'] === 'number' ? pipeline['running_ms'] : 0;
  const naiveRate = rate(num(naive, 'pins'), num(naive, 'ms'));
  const lat = (latency['latencies_ms'] as number[] | undefined) ?? [];
  const gets = (reads['get_ms'] as number[] | undefined) ?? [];
  const ticks = num(pipeline, 'clk_tck');
  const cpuStart = typeof pipeline['cpu_ticks_running'] === 'number' ? pipeline['cpu_ticks_running'] : 0;
  const cpuUs = ((num(pipeline, 'cpu_ticks_end') - cpuStart) / ticks) * 1e6;
  const exportOk = exp !== undefined && exp['ok'] === true;

  return {
    pins,
    ceiling_pins_per_s: ceilingRate,
    ceiling_shape: String(ceiling['shape']),
    ceiling_concurrency: num(ceiling, 'concurrency'),
    ceiling_trials: trials.map((t) => ({ shape: String(t['shape']), concurrency: num(t, 'concurrency'), pins_per_s: rate(num(t, 'pins'), num(t, 'ms')) })),
    pipeline_pins_per_s: pipelineRate,
    pipeline_drain_pins_per_s: rate(pins, num(pipeline, 'caught_up_ms') - running),
    naive_pins_per_s: naiveRate,
    pipeline_vs_ceiling: round(pipelineRate / ceilingRate, 3),
    pipeline_vs_naive: round(pipelineRate / naiveRate, 2),
    latency_ms: { p50: round(percentile(lat, 50), 1), p95: round(percentile(lat, 95), 1), p99: round(percentile(lat, 99), 1), max: round(percentile(lat, 100), 1) },
    offered_pins_per_s: num(latency, 'offered_pins_per_s'),
    latency_ops: num(latency, 'ops'),
    latency_lost: num(latency, 'lost') + (typeof latency['warmup_lost'] === 'number' ? latency['warmup_lost'] : 0),
    latency_warmup_ms: warmup(latency),
    writer_batches: { latency: batchBreakdown(latency), pipeline: batchBreakdown(pipeline) },
    latency_legs_ms: latencyLegs(latency),
    get_p50_ms: round(percentile(gets, 50), 3),
    get_p99_ms: round(percentile(gets, 99), 3),
    list_pins_per_s: rate(num(reads, 'list_pins'), num(reads, 'list_ms')),
    list_pins: num(reads, 'list_pins'),
    list_rss_growth_mb: round(num(reads, 'list_rss_growth_kb') / 1024, 1),
    writer_cpu_us_per_pin: round(cpuUs / pins, 1),
    writer_peak_rss_mb: round(num(pipeline, 'vm_hwm_kb') / 1024, 1),
    export_pins_per_s: exportOk ? rate(num(exp, 'pins'), num(exp, 'ms')) : null,
    export_peak_rss_mb: exportOk ? round(num(exp, 'vm_hwm_kb') / 1024, 1) : null,
    server_cpu_us_per_pin: {
      ceiling: serverCpu(ceiling, ticks, num(ceiling, 'pins')),
      pipeline: serverCpu(pipeline, ticks, pins),
      naive: serverCpu(naive, ticks, num(naive, 'pins')),
    },
    applied: { ceiling: num(ceiling, 'applied_pins'), pipeline: num(pipeline, 'applied_pins'), naive: num(naive, 'applied_pins') },
    lag: { pipeline: num(pipeline, 'lag'), naive: num(naive, 'lag') },
    ipfs_cluster_pins_per_s: clusterRate,
    pinstate_vs_ipfs_cluster: clusterRate === null ? null : round(pipelineRate / clusterRate, 2),
  };
}

/** The keys `--json` promises (issue 7), each a finite number or an object of them. */
export const REQUIRED_KEYS = [
  'pins',
  'ceiling_pins_per_s',
  'pipeline_pins_per_s',
  'naive_pins_per_s',
  'pipeline_vs_ceiling',
  'pipeline_vs_naive',
  'latency_ms',
  'offered_pins_per_s',
  'get_p99_ms',
  'list_pins_per_s',
  'writer_cpu_us_per_pin',
  'writer_peak_rss_mb',
] as const;
