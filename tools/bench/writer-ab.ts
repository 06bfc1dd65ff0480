/**
 * A/B runs of the writer process, for measuring a change to the writer or the store on a noisy
 * machine: variants run interleaved (A B A B …), each on a fresh keyspace and topic set with the
 * same backlog, so they do the same work.
 *
 *   node --import tsx tools/bench/writer-ab.ts --pins 50000 --rounds 3 \
 *     --variant 'base={"root":"/tmp/pinstate-baseline"}' \
 *     --variant 'new={}' \
 *     --variant 'ops2000={"overrides":{"writer":{"max_batch_ops":2000}}}' \
 *     --variant 'semi64={"node":["--max-semi-space-size=64"]}'
 *
 * A variant's `root` runs consumers/writer/main.ts from another checkout (e.g. the sources
 * before a change); `overrides` are config (file format); `node` are Node options.
 * Prints one line per run and a per-variant median; raw lines go to .local/bench/<time>.ab.ndjson.
 */
import { join } from 'node:path';
import { mkdirSync, appendFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import type { PinstateConfig } from '../../src/config/types.js';
import { createLogger } from '../../src/log.js';
import { packageRoot } from '../../src/paths.js';
import { produceBacklog } from '../../src/bench/backlog.js';
import { withOverrides, writeChildConfig } from '../../src/bench/config-file.js';
import { clockTicks, localServerPids, serverTicks, spawnChild, stopChild } from '../../src/bench/proc.js';
import { waitForDrain } from '../../src/bench/pipeline.js';
import { measureLatency } from '../../src/bench/latency.js';
import { latencyLegs, percentile } from '../../src/bench/summary.js';
import { diffHistograms, scrape, type HistogramSnapshot } from '../../src/bench/prom.js';
import { createTarget, dropTarget, newRunId } from '../../src/bench/targets.js';
import { benchPeers } from '../../src/bench/workload.js';

interface Variant {
  readonly name: string;
  readonly root?: string;
  readonly overrides?: Record<string, unknown>;
  readonly node?: string[];
  /** Extra environment for the writer process. */
  readonly env?: Record<string, string>;
}

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const pins = Number(flag('--pins') ?? 50_000);
const rounds = Number(flag('--rounds') ?? 2);
/** With --latency R: after the drain, R pins/s for --latency-seconds (default 10), p50/p99 recorded. */
const latencyRate = flag('--latency') === undefined ? undefined : Number(flag('--latency'));
const latencySeconds = Number(flag('--latency-seconds') ?? 10);
/** Seconds of the same load before the measured ones (as `pinstate bench --latency-warmup-seconds`). */
const latencyWarmupSeconds = Number(flag('--latency-warmup-seconds') ?? 3);
const variants: Variant[] = [];
args.forEach((a, i) => {
  if (a !== '--variant') return;
  const text = args[i + 1]!;
  const eq = text.indexOf('=');
  variants.push({ name: text.slice(0, eq), ...(JSON.parse(text.slice(eq + 1)) as Omit<Variant, 'name'>) });
});
if (variants.length === 0) variants.push({ name: 'current' });

const logger = createLogger({ level: 'warn', destination: process.stderr });
const base = loadConfig();
const runId = newRunId();
const dir = join(packageRoot(), '.local', 'bench');
mkdirSync(dir, { recursive: true });
const out = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.ab.ndjson`);
const seed = 'pinstate-bench';
const peers = benchPeers(seed);
const servers = localServerPids(base.scylla.hosts);
const ticks = clockTicks();

const results = new Map<string, number[]>();
const baseTs = Date.now();
{
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      // Each run: its own keyspace and topics, the same backlog produced again (not timed).
      const target = await createTarget(withOverrides(base, v.overrides ?? {}), newRunId(), 'pipeline', { topics: true, logger });
      const config: PinstateConfig = target.config;
      const backlog = await produceBacklog(config, logger, seed, peers, 0, pins, baseTs);
      const child = writeChildConfig({ ...config, api: { ...config.api, host: '127.0.0.1', port: 0, tokens: [] } });
      const root = v.root ?? packageRoot();
      const before = serverTicks(servers);
      const spawnedAt = performance.now();
      const proc = spawnChild({ entry: { args: ['--import', 'tsx', join(root, 'consumers/writer/main.ts')], kind: 'source' }, args: ['--http'], env: { ...child.env, ...(v.env ?? {}) }, nodeOptions: v.node ?? [], logFile: join(dir, `${runId}-${v.name}-${r}.writer.log`), watch: ['writer running'] });
      try {
        let d;
        try {
          d = await waitForDrain({ child: proc, entry: { args: [], kind: 'source' }, childConfig: child, spawnedAt, logFile: '' }, config, logger, backlog.intents, 1_800_000);
        } catch (err: unknown) {
          const line = { variant: v.name, round: r, failed: err instanceof Error ? err.message.split('\n')[0] : String(err) };
          appendFileSync(out, `${JSON.stringify(line)}\n`);
          process.stdout.write(`${JSON.stringify(line)}\n`);
          continue;
        }
        const after = serverTicks(servers);
        const url = /API (http:\/\/[^\s;]+)/.exec(proc.output())?.[1];
        const drained = url === undefined ? {} : await scrape(url).catch(() => ({}));
        const mean = (h: Record<string, HistogramSnapshot>, name: string): number | null => {
          const x = h[`pinstate_writer_${name}`];
          return x === undefined || x.count === 0 ? null : Math.round((x.sum / x.count) * 10_000) / 10;
        };
        let latency: Record<string, number | null> = {};
        if (latencyRate !== undefined) {
          const lat = await measureLatency(config, logger, { seed, peers, firstIndex: pins, pinsPerSecond: latencyRate, seconds: latencySeconds, warmupSeconds: latencyWarmupSeconds });
          const legs = latencyLegs({ latencies_ms: lat.latenciesMs, acked_ms: lat.ackedMs, published_ms: lat.publishedMs });
          const during = url === undefined ? {} : diffHistograms(drained, await scrape(url).catch(() => ({})));
          latency = {
            lat_p50_ms: percentile(lat.latenciesMs, 50),
            lat_p99_ms: percentile(lat.latenciesMs, 99),
            lat_lost: lat.lost + lat.warmupLost,
            lat_to_event_p50_ms: legs?.to_event.p50 ?? null,
            lat_to_event_p99_ms: legs?.to_event.p99 ?? null,
            lat_delivery_p99_ms: legs?.event_delivery.p99 ?? null,
            lat_apply_ms: mean(during, 'apply_seconds'),
            lat_publish_ms: mean(during, 'publish_seconds'),
            lat_commit_ms: mean(during, 'commit_seconds'),
          };
        }
        const drainS = (d.caughtUpMs - (d.runningMs ?? 0)) / 1000;
        const line = {
          variant: v.name,
          round: r,
          pins,
          drain_s: drainS,
          pins_per_s: Math.round(pins / drainS),
          writer_cpu_us_per_pin: Math.round((((d.cpuTicksEnd - (d.cpuTicksRunning ?? 0)) / ticks) * 1e6) / pins),
          writer_peak_rss_mb: Math.round(d.vmHwmKb / 1024),
          cassandra_cpu_us_per_pin: before['cassandra'] != null && after['cassandra'] != null ? Math.round((((after['cassandra'] - before['cassandra']) / ticks) * 1e6) / pins) : null,
          kafka_cpu_us_per_pin: before['kafka'] != null && after['kafka'] != null ? Math.round((((after['kafka'] - before['kafka']) / ticks) * 1e6) / pins) : null,
          drain_apply_ms: mean(drained, 'apply_seconds'),
          drain_batch_ops: (() => {
            const x = drained['pinstate_writer_batch_ops'];
            return x === undefined || x.count === 0 ? null : Math.round(x.sum / x.count);
          })(),
          ...latency,
          samples: d.samples,
        };
        appendFileSync(out, `${JSON.stringify(line)}\n`);
        const { samples: _s, ...shown } = line;
        process.stdout.write(`${JSON.stringify(shown)}\n`);
        results.set(v.name, [...(results.get(v.name) ?? []), line.pins_per_s]);
      } finally {
        await stopChild(proc);
        child.remove();
        await dropTarget(target, logger);
      }
    }
  }
}
for (const [name, rates] of results) {
  const sorted = [...rates].sort((a, b) => a - b);
  process.stdout.write(`${name}: median ${sorted[Math.floor(sorted.length / 2)]} pins/s over ${rates.length} runs (${rates.join(', ')})\n`);
}
