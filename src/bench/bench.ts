/**
 * `pinstate bench`: every mode in one run on fresh keyspaces and topics — ceiling, pipeline,
 * latency, naive, reads — then the summary computed from the run log. Modes run one after
 * another, never together, so each has the machine to itself (and the same noise neighbours).
 */
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PinstateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { openSession } from '../store/session.js';
import { createStore } from '../store/store.js';
import { produceBacklog } from './backlog.js';
import { chooseSetting, runCeiling } from './ceiling-run.js';
import { withOverrides } from './config-file.js';
import { measureLatency } from './latency.js';
import { runIpfsClusterPeer } from './ipfs-cluster.js';
import { runNaive } from './naive.js';
import type { BenchOptions } from './options.js';
import { metricsUrl, spawnWriter, stopWriter, waitForDrain, type WriterProcess } from './pipeline.js';
import { diffHistograms, scrape, type HistogramSnapshot } from './prom.js';
import { clockTicks, localServerPids, serverTicks, type ServerPids } from './proc.js';
import { measureExport, measureReads } from './reads.js';
import { createRunLog } from './run-log.js';
import { summarize, type BenchSummary } from './summary.js';
import { createTarget, dropTarget, newRunId, type Target, type TargetName } from './targets.js';
import { benchPeers } from './workload.js';

export interface BenchIo {
  readonly logger: Logger;
  /** Progress lines for people (stderr in the CLI). */
  progress(text: string): void;
}

export interface BenchRun {
  readonly summary: BenchSummary;
  readonly logPath: string;
}

/** Machine and versions, for the log and docs/benchmarks.md. */
async function machine(config: PinstateConfig, logger: Logger): Promise<Record<string, unknown>> {
  let cassandra = 'unknown';
  const session = await openSession({ config: config.scylla, logger });
  try {
    cassandra = String((await session.execute('SELECT release_version FROM system.local')).rows[0]?.['release_version'] ?? 'unknown');
  } finally {
    await session.shutdown();
  }
  return { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', mem_mb: Math.round(totalmem() / 2 ** 20), node: process.version, cassandra, platform: process.platform };
}

function settings(config: PinstateConfig): Record<string, unknown> {
  const { scylla: s, kafka: k, writer: w } = config;
  return {
    partitions: k.partitions.intents,
    stats_shards: s.statsShards,
    peer_bucket_bits: s.peerBucketBits,
    consistency: s.consistency,
    max_concurrency: s.maxConcurrency,
    num_conns: s.numConns,
    max_batch_bytes: s.maxBatchBytes,
    max_batch_ops: w.maxBatchOps,
    partitions_concurrently: w.partitionsConcurrently,
    heap_growing_percent: config.heapGrowingPercent,
    heap_semi_space_mb: config.heapSemiSpaceMb,
  };
}

export async function runBench(baseConfig: PinstateConfig, options: BenchOptions, io: BenchIo): Promise<BenchRun> {
  const { logger } = io;
  const config = withOverrides(baseConfig, options.overrides);
  const runId = newRunId();
  const log = createRunLog();
  const logDir = join(log.path, '..');
  const label = log.path.slice(logDir.length + 1).replace(/\.ndjson$/, '');
  const baseTs = Date.now();
  const peers = benchPeers(options.seed);
  const step = (text: string): void => io.progress(`bench: ${text}\n`);
  // The local stack's servers are measured too (CPU per pin of Cassandra and Kafka by mode).
  const servers = localServerPids(config.scylla.hosts);
  log.write('run', { run_id: runId, pins: options.pins, naive_pins: options.naivePins, seed: options.seed, options, machine: await machine(config, logger), settings: settings(config), clk_tck: clockTicks() });
  step(`run ${runId}, ${options.pins} pins; log ${log.path}`);

  const targets = new Map<TargetName, Target>();
  let writer: WriterProcess | undefined;
  try {
    const t0 = performance.now();
    const needSweep = options.ceilingConcurrency === undefined || options.ceilingShape === undefined;
    for (const [name, topics] of [['ceiling', false], ['sweep', false], ['pipeline', true], ['naive', true]] as const) {
      if (name === 'sweep' && !needSweep) continue;
      targets.set(name, await createTarget(config, runId, name, { topics, logger }));
    }
    log.write('setup', { ms: performance.now() - t0, keyspaces: [...targets.values()].map((t) => t.config.scylla.keyspace) });

    step('ceiling: sweeping concurrency (writer shape), then other request shapes');
    const plan = { pins: options.pins, seed: options.seed, peers, baseTs, fixedShape: options.ceilingShape, fixedConcurrency: options.ceilingConcurrency };
    const setting = await chooseSetting(targets.get('sweep')?.config, logger, plan, log);
    step(`ceiling: ${options.pins} pins as ${setting.shape} with ${setting.concurrency} requests in flight`);
    let before = serverTicks(servers);
    const ceiling = await runCeiling(targets.get('ceiling')!.config, logger, plan, setting);
    log.write('ceiling', { ...ceiling, server_ticks: ticksSince(before, servers) });

    const pipeline = targets.get('pipeline')!;
    const naive = targets.get('naive')!;
    step('backlog: producing the intents of both topic sets');
    const [pb, nb] = await Promise.all([
      produceBacklog(pipeline.config, logger, options.seed, peers, 0, options.pins, baseTs),
      produceBacklog(naive.config, logger, options.seed, peers, 0, options.naivePins, baseTs),
    ]);
    log.write('backlog', { pipeline_intents: pb.intents, pipeline_ms: pb.ms, naive_intents: nb.intents, naive_ms: nb.ms });

    step('pipeline: writer process draining the backlog');
    const profileDir = options.profileWriter ? join(logDir, `${label}.profile`) : undefined;
    if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
    before = serverTicks(servers);
    writer = spawnWriter(pipeline.config, { fromSource: options.fromSource, cpuProfileDir: profileDir, logDir, metrics: options.writerMetrics, nodeOptions: options.writerNodeOptions }, label);
    const drain = await waitForDrain(writer, pipeline.config, logger, pb.intents, 600_000 + options.pins * 20);
    const pipelineServers = ticksSince(before, servers);
    const url = metricsUrl(writer);
    const drainMetrics = url === undefined ? {} : await scrape(url).catch(() => ({}));
    const pipelineStats = await statsOf(pipeline.config, logger);
    log.write('pipeline', {
      pins: options.pins,
      intents: pb.intents,
      entry: writer.entry.kind,
      writer_node_options: options.writerNodeOptions,
      writer_http: options.writerMetrics,
      running_ms: drain.runningMs,
      caught_up_ms: drain.caughtUpMs,
      clk_tck: clockTicks(),
      cpu_ticks_running: drain.cpuTicksRunning,
      cpu_ticks_end: drain.cpuTicksEnd,
      vm_hwm_kb: drain.vmHwmKb,
      lag: drain.lag,
      applied_pins: pipelineStats.pins,
      placements: pipelineStats.placements,
      server_ticks: pipelineServers,
      writer_metrics: drainMetrics,
      samples: drain.samples,
      writer_log: writer.logFile,
    });
    const pipelineRate = options.pins / (drain.caughtUpMs / 1000);

    const offered = options.offeredPinsPerSecond ?? Math.max(1, Math.round(pipelineRate / 2));
    step(`latency: ${offered} pins/s for ${options.latencyWarmupSeconds} s of warm-up, then ${options.latencySeconds} s measured`);
    // The writer's histograms for the latency line cover the measured part only: snapshot them as it starts.
    let warmMetrics: Promise<Record<string, HistogramSnapshot>> = Promise.resolve(drainMetrics);
    const lat = await measureLatency(pipeline.config, logger, {
      seed: options.seed,
      peers,
      firstIndex: options.pins,
      pinsPerSecond: offered,
      seconds: options.latencySeconds,
      warmupSeconds: options.latencyWarmupSeconds,
      onMeasureStart: () => {
        if (url !== undefined && options.latencyWarmupSeconds > 0) warmMetrics = scrape(url).catch(() => drainMetrics);
      },
    });
    const latencyMetrics = url === undefined ? {} : diffHistograms(await warmMetrics, await scrape(url).catch(() => ({})));
    log.write('latency', {
      writer_metrics: latencyMetrics,
      offered_pins_per_s: offered,
      seconds: options.latencySeconds,
      warmup_seconds: options.latencyWarmupSeconds,
      send_seconds: lat.sendSeconds,
      sent_pins: lat.sentPins,
      ops: lat.ops,
      lost: lat.lost,
      send_errors: lat.sendErrors,
      latencies_ms: lat.latenciesMs,
      acked_ms: lat.ackedMs,
      published_ms: lat.publishedMs,
      warmup_ops: lat.warmupOps,
      warmup_lost: lat.warmupLost,
      warmup_latencies_ms: lat.warmupLatenciesMs,
    });
    const exit = await stopWriter(writer);
    writer = undefined;
    if (exit !== 0) step(`warning: the writer exited with ${exit} after SIGTERM`);

    step(`naive: one awaited store write per message, ${options.naivePins} pins`);
    before = serverTicks(servers);
    const nv = await runNaive(naive.config, logger, nb.intents, 1_800_000 + options.naivePins * 200);
    const naiveServers = ticksSince(before, servers);
    const naiveStats = await statsOf(naive.config, logger);
    log.write('naive', { pins: options.naivePins, intents: nb.intents, ms: nv.ms, ops_applied: nv.applied, ops_failed: nv.failed, lag: nv.lag, applied_pins: naiveStats.pins, server_ticks: naiveServers });

    step('reads: get latency, list rate');
    const reads = await measureReads(pipeline.config, logger, options.seed, peers, options.pins, Math.min(options.gets, options.pins));
    log.write('reads', { get_ms: reads.getMs, get_missing: reads.getMissing, list_pins: reads.listPins, list_ms: reads.listMs, list_rss_growth_kb: reads.listRssGrowthKb });
    if (!options.skipExport) {
      step('export: pinstate export as a child process');
      const exp = await measureExport(pipeline.config, { fromSource: options.fromSource, logDir, label });
      log.write('export', { ...exp, vm_hwm_kb: exp.vmHwmKb });
    }
    if (options.peer === 'ipfs-cluster') {
      step(`ipfs-cluster: the same ${options.pins} pins through a single-peer IPFS Cluster's REST API`);
      const ic = await runIpfsClusterPeer({ pins: options.pins, seed: options.seed, peers, progress: (t) => io.progress(`bench: ${t}`) });
      log.write('ipfs_cluster', { ...ic });
    }
  } finally {
    if (writer !== undefined) await stopWriter(writer).catch(() => undefined);
    if (!options.keep) {
      const problems = (await Promise.all([...targets.values()].map((t) => dropTarget(t, logger)))).flat();
      log.write('cleanup', { dropped: [...targets.keys()], problems });
      for (const p of problems) step(`cleanup: ${p}`);
    } else log.write('cleanup', { kept: [...targets.values()].map((t) => t.config.scylla.keyspace) });
  }
  const summary = summarize(log.lines);
  log.write('summary', { ...summary });
  return { summary, logPath: log.path };
}

/** CPU ticks each server used since `before` (null when unknown). */
function ticksSince(before: Record<string, number | null>, pids: ServerPids): Record<string, number | null> {
  const now = serverTicks(pids);
  const out: Record<string, number | null> = {};
  for (const [role, t] of Object.entries(now)) {
    const b = before[role];
    out[role] = t === null || b === null || b === undefined ? null : t - b;
  }
  return out;
}

async function statsOf(config: PinstateConfig, logger: Logger): Promise<{ pins: number; placements: number }> {
  const store = await createStore({ config: config.scylla, logger });
  try {
    const s = await store.stats();
    return { pins: s.pins, placements: s.totalPlacements };
  } finally {
    await store.close();
  }
}
