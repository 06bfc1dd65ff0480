/**
 * `pinstate bench --scale` (not for CI): the pipeline's throughput as the store grows. The store
 * is filled step by step through the real path — a backlog of the step's pins, then the writer
 * process drains it — and each step's rate is timed from the writer's "running" line to its last
 * commit. At the end, the largest partition of every table, from the database's statistics.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PinstateConfig } from '../config/types.js';
import { parseInteger } from '../config/integer.js';
import { ValidationError } from '../errors.js';
import { produceBacklog } from './backlog.js';
import type { BenchIo } from './bench.js';
import { withOverrides } from './config-file.js';
import type { BenchOptions } from './options.js';
import { largestPartitions } from './partitions.js';
import { spawnWriter, stopWriter, waitForDrain } from './pipeline.js';
import { clockTicks } from './proc.js';
import { createRunLog } from './run-log.js';
import { measureExport, measureReads } from './reads.js';
import { scaleStepOf, summarizeScale, type ScaleResult } from './scale-summary.js';
import { summarizeGcTrace } from './gc-trace.js';
import { createTarget, dropTarget, newRunId } from './targets.js';
import { benchPeers } from './workload.js';

export type { ScaleResult, ScaleStep } from './scale-summary.js';

export interface ScaleOptions {
  /** Pins in the store at the end. Default 10,000,000. */
  readonly scaleMax: number;
  /** Pins per step after the first 100,000. Default 1,000,000. */
  readonly scaleStep: number;
}

export interface RawScaleOptions {
  scaleMax?: string;
  scaleStep?: string;
}

export function parseScaleOptions(raw: RawScaleOptions): ScaleOptions {
  const scaleMax = parseInteger(raw.scaleMax, '--scale-max', 1) ?? 10_000_000;
  const scaleStep = parseInteger(raw.scaleStep, '--scale-step', 1) ?? 1_000_000;
  if (scaleStep > scaleMax) throw new ValidationError('INVALID_FIELD', '--scale-step', `must not exceed --scale-max (${scaleMax})`);
  return { scaleMax, scaleStep };
}

/** Step boundaries: 100,000 (or less), then every `step` up to `max`. Pure. */
export function scaleBoundaries(max: number, step: number): number[] {
  const first = Math.min(100_000, max);
  const out = [first];
  for (let b = step; b < max; b += step) if (b > first) out.push(b);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

/** The tables the writer fills (placements_by_cid has been empty since scylla/004: placements are in pins_by_cid). */
const TABLES = ['pins_by_cid', 'pins_by_peer', 'peer_buckets', 'pin_ttl_queue', 'op_dedup', 'pin_stats', 'pin_events'] as const;

export async function runScale(baseConfig: PinstateConfig, options: BenchOptions & ScaleOptions, io: BenchIo): Promise<ScaleResult> {
  const { logger } = io;
  const config = withOverrides(baseConfig, options.overrides);
  const runId = newRunId();
  const log = createRunLog();
  const logDir = join(log.path, '..');
  mkdirSync(logDir, { recursive: true });
  const peers = benchPeers(options.seed);
  const baseTs = Date.now();
  const ticks = clockTicks();
  log.write('run', {
    run_id: runId,
    mode: 'scale',
    pins: options.scaleMax,
    step: options.scaleStep,
    seed: options.seed,
    writer_node_options: options.writerNodeOptions,
    // The writer child runs on this node with these heap settings (they move its RSS, docs/benchmarks.md#memory).
    node: process.version,
    heap_growing_percent: config.heapGrowingPercent,
    heap_semi_space_mb: config.heapSemiSpaceMb,
  });
  const target = await createTarget(config, runId, 'scale', { topics: true, logger });
  try {
    let from = 0;
    let intents = 0;
    for (const to of scaleBoundaries(options.scaleMax, options.scaleStep)) {
      io.progress(`bench --scale: pins ${from}–${to}: producing\n`);
      const backlog = await produceBacklog(target.config, logger, options.seed, peers, from, to, baseTs);
      intents += backlog.intents;
      io.progress(`bench --scale: pins ${from}–${to}: writer draining\n`);
      const writer = spawnWriter(target.config, { fromSource: options.fromSource, cpuProfileDir: undefined, logDir, metrics: false, nodeOptions: options.writerNodeOptions }, `${runId}-scale-${to}`);
      let drain;
      try {
        drain = await waitForDrain(writer, target.config, logger, intents, 600_000 + (to - from) * 20);
      } finally {
        await stopWriter(writer);
      }
      const pins = to - from;
      // The writer's --trace-gc lines, when --writer-node-options asked for them: live heap vs grown heap.
      const gc = summarizeGcTrace(readFileSync(writer.logFile, 'utf8'));
      const line = log.write('scale_step', {
        from,
        to,
        cpuUsPerPin: Math.round((((drain.cpuTicksEnd - (drain.cpuTicksRunning ?? 0)) / ticks) * 1e6) / pins),
        peakRssMb: Math.round(drain.vmHwmKb / 1024),
        produce_ms: backlog.ms,
        running_ms: drain.runningMs,
        caught_up_ms: drain.caughtUpMs,
        ...(gc === null ? {} : { gc }),
        samples: drain.samples,
      });
      const step = scaleStepOf(line);
      io.progress(`bench --scale: pins ${from}–${to}: ${step.pinsPerSecond} pins/s, writer peak RSS ${step.peakRssMb} MB\n`);
      from = to;
    }
    // Reads over the grown store: list() in this process, `pinstate export` as a child (their
    // memory must not grow with the pinset).
    io.progress(`bench --scale: list and export of ${from} pins\n`);
    const reads = await measureReads(target.config, logger, options.seed, peers, from, Math.min(options.gets, from));
    log.write('reads', { get_ms: reads.getMs, get_missing: reads.getMissing, list_pins: reads.listPins, list_ms: reads.listMs, list_rss_growth_kb: reads.listRssGrowthKb });
    const exp = options.skipExport ? undefined : await measureExport(target.config, { fromSource: options.fromSource, logDir, label: `${runId}-scale` });
    if (exp !== undefined) log.write('export', { ...exp, vm_hwm_kb: exp.vmHwmKb });
    const partitions = await largestPartitions(target.config, logger, TABLES);
    log.write('partitions', { ...partitions });
    const result = summarizeScale(log.lines, log.path);
    log.write('summary', { ...result });
    return result;
  } finally {
    if (!options.keep) await dropTarget(target, logger);
  }
}

export function formatScale(r: ScaleResult): string {
  const withGc = r.steps.some((s) => s.gc !== undefined);
  const lines = [`pins from–to            pins/s   writer µs/pin   writer peak RSS MB${withGc ? '   live heap after full GC MB   heap used before full GC MB' : ''}`];
  for (const s of r.steps) {
    const gc = s.gc === undefined ? '' : `   ${`${s.gc.live_after_mc_min_mb}–${s.gc.live_after_mc_max_mb}`.padStart(26)}   ${`≤ ${s.gc.used_before_mc_max_mb}`.padStart(27)}`;
    lines.push(`${`${s.from.toLocaleString('en-US')}–${s.to.toLocaleString('en-US')}`.padEnd(22)} ${String(s.pinsPerSecond).padStart(7)}   ${String(s.cpuUsPerPin).padStart(13)}   ${String(s.peakRssMb).padStart(18)}${withGc ? gc.padEnd(59) : ''}`);
  }
  lines.push('', `last step vs first: ${r.lastVsFirst}, vs the fastest step: ${r.lastVsPeak} (target: within 15%, i.e. >= 0.85)`);
  const x = r.reads;
  lines.push(`reads over ${x.pins.toLocaleString('en-US')} pins: list ${x.listPinsPerSecond} pins/s (RSS +${x.listRssGrowthMb} MB), get p99 ${x.getP99Ms} ms, export ${x.exportPinsPerSecond ?? '-'} pins/s (peak RSS ${x.exportPeakRssMb ?? '-'} MB)`);
  lines.push('', `largest partitions (${r.partitions.source}):`);
  lines.push('table               partitions      max bytes   max cells');
  for (const t of r.partitions.tables) lines.push(`${t.table.padEnd(18)} ${String(t.partitions ?? '-').padStart(11)} ${String(t.maxBytes ?? '-').padStart(14)} ${String(t.maxCells ?? '-').padStart(11)}`);
  return `${lines.join('\n')}\n\nrun log: ${r.log}\n`;
}
