/**
 * `pinstate bench`: registers the command. Progress goes to stderr; the table (or, with --json,
 * one JSON object as the last line) to stdout. `--summarize FILE` recomputes a past run's
 * figures from its log. The action returns its exit code (0 ok, 1 failure, 2 bad options).
 */
import type { Command } from 'commander';
import { EXIT, type CliContext, type ExitCode } from '../context.js';
import { isPinstateError } from '../../errors.js';
import { runBench } from '../../bench/bench.js';
import { parseBenchOptions, type RawBenchOptions } from '../../bench/options.js';
import { formatJson, formatTable } from '../../bench/report.js';
import { readRunLog } from '../../bench/run-log.js';
import { runScale, parseScaleOptions, formatScale, type RawScaleOptions } from '../../bench/scale.js';
import { summarize } from '../../bench/summary.js';
import { summarizeScale } from '../../bench/scale-summary.js';

type RawOptions = RawBenchOptions & RawScaleOptions & { scale?: boolean; summarize?: string };

/** Runs `pinstate bench` with parsed options (the CLI action; tests call it directly). */
export async function benchAction(ctx: CliContext, raw: RawOptions): Promise<ExitCode> {
  if (raw.summarize !== undefined) {
    const lines = readRunLog(raw.summarize);
    if (lines.find((l) => l.phase === 'run')?.['mode'] === 'scale') {
      const result = summarizeScale(lines, raw.summarize);
      ctx.out(raw.json ? `${JSON.stringify(result)}\n` : formatScale(result));
      return EXIT.ok;
    }
    const summary = summarize(lines);
    ctx.out(raw.json ? formatJson(summary, raw.summarize) : formatTable(summary, raw.summarize));
    return EXIT.ok;
  }
  const options = parseBenchOptions(raw);
  const config = ctx.config();
  const logger = ctx.logger().child({ component: 'bench' });
  const io = { logger, progress: (t: string) => ctx.err(t) };
  try {
    if (raw.scale === true) {
      const result = await runScale(config, { ...options, ...parseScaleOptions(raw) }, io);
      ctx.out(raw.json ? `${JSON.stringify(result)}\n` : formatScale(result));
      return EXIT.ok;
    }
    const { summary, logPath } = await runBench(config, options, io);
    ctx.out(options.json ? formatJson(summary, logPath) : formatTable(summary, logPath));
    return EXIT.ok;
  } catch (err: unknown) {
    if (isPinstateError(err) && err.isInputError) throw err;
    ctx.err(`pinstate bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}

export function registerBenchCommand(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description('Benchmark on fresh keyspaces/topics: ceiling (direct CQL), pipeline (writer process), naive consumer, latency, reads; --scale for growth')
    .option('--pins <n>', 'pins in the workload, each UpsertPin + SetDesiredPlacement (default 100000)')
    .option('--json', 'print one JSON object as the last line')
    .option('--keep', 'keep the keyspaces, topics and groups afterwards')
    .option('--naive-pins <n>', 'pins the naive consumer drains (default: all)')
    .option('--latency-seconds <n>', 'how long the latency mode offers load and measures it (default 15)')
    .option('--latency-warmup-seconds <n>', 'seconds of the same load before measuring; their ops are logged apart (default 3)')
    .option('--offered <pins/s>', 'offered rate of the latency mode (default: half the measured pipeline rate)')
    .option('--gets <n>', 'get calls timed (default 2000)')
    .option('--ceiling-shape <shape>', 'ceiling request shape: writer, unlogged, partition or singles (default: sweep)')
    .option('--ceiling-concurrency <n>', 'ceiling requests in flight (default: sweep)')
    .option('--profile-writer', 'write a V8 CPU profile of the writer (node --cpu-prof) next to the run log')
    .option('--from-source', 'run the writer from the TypeScript sources even when dist/ exists')
    .option('--override <json>', 'config (file format) applied over the loaded config, e.g. {"writer":{"max_batch_ops":2000}}')
    .option('--no-export', 'skip the `pinstate export` child process in the read modes')
    .option('--no-writer-metrics', 'run the writer without --http (no histograms in the log; a few MB less RSS)')
    .option('--writer-node-options <opts>', 'Node options for the writer process, e.g. "--max-old-space-size=192"')
    .option('--peer <kind>', 'also ingest the same pins into a real single-peer IPFS Cluster (ipfs-cluster), built by tools/ipfs')
    .option('--seed <text>', 'workload seed (default "pinstate-bench")')
    .option('--scale', 'scale run: pipeline throughput per step as the store grows (not for CI)')
    .option('--scale-max <n>', 'with --scale: pins at the end (default 10000000)')
    .option('--scale-step <n>', 'with --scale: pins per step after the first 100000 (default 1000000)')
    .option('--summarize <file>', 'recompute and print the figures of a past run from its log')
    .action(async (raw: RawOptions) => {
      const code = await benchAction(ctx, raw);
      // main's contexts record the exit code (RunContext.setExitCode); a bare CliContext has none.
      const run = ctx as CliContext & { setExitCode?: (c: ExitCode) => void };
      if (typeof run.setExitCode === 'function') run.setExitCode(code);
    });
}
