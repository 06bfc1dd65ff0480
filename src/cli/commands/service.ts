/**
 * The long-running commands: `start` (writer + TTL sweeper + HTTP API in one process), `writer`,
 * `api` and `sweep-ttl`. Each stops gracefully on SIGTERM/SIGINT and exits 0 after a clean drain.
 */
import type { Command } from 'commander';
import { formatDuration } from '../../config/duration.js';
import type { PinstateConfig } from '../../config/types.js';
import { applyHeapPolicy, semiSpacePlan, takeReexecMark, type SemiSpacePlan } from '../../heap-policy.js';
import { createRegistry } from '../../metrics.js';
import { ensureLocalStack, usesLocalStack } from '../../service/local-stack.js';
import { applyConfiguredSchema, ensureConfiguredTopics } from '../../service/prepare.js';
import { startService, type RunningService, type ServiceParts } from '../../service/service.js';
import { parseDurationFlag } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';

/** A re-exec was tried in this process and failed. */
let reexecFailed = false;

/**
 * `heap_semi_space_mb`: when the process runs without it and may re-execute itself, this call does
 * not return — the same command starts again in the same process, with the flag. Call it before
 * anything is opened (a long-running command's first step). A failed re-exec is reported on stderr
 * and the command goes on with V8's own young generation.
 */
export function youngGeneration(ctx: RunContext, config: PinstateConfig): SemiSpacePlan {
  const plan = semiSpacePlan(config.heapSemiSpaceMb, { execArgv: process.execArgv, nodeOptions: process.env['NODE_OPTIONS'], canReexec: ctx.io.reexec !== undefined, reexecuted: takeReexecMark() });
  if (plan.action !== 'reexec') return plan;
  // `start` asks before the local stack and again in runUntilStopped: a failed re-exec is tried and reported once.
  if (!reexecFailed) {
    try {
      ctx.io.reexec!(plan.flags);
    } catch (err: unknown) {
      reexecFailed = true;
      ctx.err(`pinstate: could not re-execute with ${plan.flags.join(' ')} (heap_semi_space_mb): ${err instanceof Error ? err.message : String(err)}; running with V8's own young generation\n`);
    }
  }
  return { action: 'keep', source: 'reexec-failed', mb: null };
}

const SEMI_SPACE_SOURCES: Record<Extract<SemiSpacePlan, { action: 'keep' }>['source'], string> = {
  reexecuted: 're-executed with it (heap_semi_space_mb)',
  'node-flag': "from node's command line",
  'node-options': 'from NODE_OPTIONS',
  v8: "V8's own size (heap_semi_space_mb 0)",
  'no-execve': "V8's own size: no re-exec here (node before 22.15 has no process.execve; or not started through a pinstate launcher)",
  'reexec-failed': "V8's own size: the re-exec failed (see stderr)",
};

/**
 * Both heap keys for a long-running process (the service commands and `agent`): the young
 * generation first (it may re-execute the process and not return), then the growing policy, and
 * a log line for each.
 */
export function applyHeapKeys(ctx: RunContext, config: PinstateConfig): void {
  const young = youngGeneration(ctx, config);
  const logger = ctx.logger();
  const heap = applyHeapPolicy(config.heapGrowingPercent);
  logger.info({ heap_growing_percent: heap.percent, from: heap.source }, heap.source === 'v8' ? "heap growth: V8's own policy" : `heap growth: up to ${heap.percent} % past the live heap before a full collection`);
  if (young.action === 'keep') logger.info({ heap_semi_space_mb: young.mb ?? 0, from: young.source }, `young generation: ${young.mb === null ? '' : `semi-space ${young.mb} MB, `}${SEMI_SPACE_SOURCES[young.source]}`);
}

/** Starts the service parts, prints `describe`, and runs until a signal or a failed part; then closes them and says how cleanly. */
export async function runUntilStopped(ctx: RunContext, config: PinstateConfig, parts: ServiceParts, describe: (s: RunningService) => string): Promise<ExitCode> {
  applyHeapKeys(ctx, config);
  const logger = ctx.logger();
  const service = await startService({ config, logger, registry: createRegistry({ defaultMetrics: true }), parts });
  ctx.out(`${describe(service)}\n`);
  // A writer whose consumer failed for good stops the process too, so a supervisor restarts it.
  const reason = await Promise.race([ctx.untilStopped(), service.failed]);
  const steps = [parts.writer ? 'draining the writer' : '', parts.api ? 'closing the API' : ''].filter((t) => t !== '');
  ctx.out(`pinstate: ${reason}: stopping${steps.length === 0 ? '' : ` (${steps.join(', ')})`}\n`);
  ctx.io.boundStop(stopBoundMs(config));
  const clean = await service.close();
  ctx.out(clean ? 'pinstate: stopped\n' : 'pinstate: stopped without a clean drain; uncommitted messages will be redelivered\n');
  return clean ? EXIT.ok : EXIT.failure;
}

/** How long a stop may take: the writer's drain plus 10 s to close everything else (issue 12). */
function stopBoundMs(config: PinstateConfig): number {
  return config.writer.drainTimeoutMs + 10_000;
}

function apiLine(s: RunningService): string {
  const cluster = s.clusterApi === undefined ? '' : `; IPFS Cluster REST API ${s.clusterApi.server.multiaddr} (peer ${s.clusterApi.peerId})`;
  return s.api === undefined ? '' : `; API ${s.api.url} (metrics ${s.api.url}/metrics, readiness ${s.api.url}/readyz)${cluster}`;
}

interface StartOptions {
  localStack: boolean;
  prepare: boolean;
  sweepInterval?: string;
}

export function registerServiceCommands(program: Command, ctx: RunContext): void {
  program
    .command('start')
    .description('Everything in one process: local stack if nothing else is configured, schema apply, topics ensure, then writer + TTL sweeper + HTTP API')
    .option('--no-local-stack', 'never start tools/local-stack (fail instead when nothing answers)')
    .option('--no-prepare', 'skip schema apply and topics ensure')
    .option('--sweep-interval <duration>', 'TTL sweep interval (default ttl.sweep_interval)')
    .action(
      act(ctx, async (opts: StartOptions): Promise<ExitCode> => {
        const config = ctx.config();
        // Before the local stack and the schema: a re-exec starts this command over.
        youngGeneration(ctx, config);
        const intervalMs = opts.sweepInterval === undefined ? config.ttl.sweepIntervalMs : parseDurationFlag(opts.sweepInterval, '--sweep-interval', { min: 1 });
        if (opts.localStack && usesLocalStack(config)) await ensureLocalStack((t) => ctx.err(t));
        if (opts.prepare) {
          const schema = await applyConfiguredSchema(config, ctx.logger());
          const topics = await ensureConfiguredTopics(config, ctx.logger());
          ctx.out(`pinstate: keyspace ${schema.keyspace} at schema version ${schema.version}; topics ready (${topics.created.length} created)\n`);
        }
        return runUntilStopped(ctx, config, { writer: true, api: true, allocator: true, clusterApi: config.clusterApi.enabled, sweeper: { direct: false, intervalMs } }, (s) =>
          `pinstate running (pid ${process.pid}): writer group ${config.kafka.groupId}; TTL sweep every ${formatDuration(intervalMs)}${apiLine(s)}`,
        );
      }),
    );

  program
    .command('writer')
    .description('Only the writer: apply intents and acks from Kafka to the database (consumer group kafka.group_id)')
    .option('--http', 'also serve the HTTP API (readiness, metrics) on api.host:api.port')
    .action(
      act(ctx, async (opts: { http?: boolean }): Promise<ExitCode> => {
        const config = ctx.config();
        return runUntilStopped(ctx, config, { writer: true, api: opts.http === true, sweeper: false }, (s) => `pinstate writer running (pid ${process.pid}, group ${config.kafka.groupId})${apiLine(s)}`);
      }),
    );

  program
    .command('api')
    .description('Only the HTTP API and the IPFS Cluster REST API (reads from the database, writes as Kafka intents)')
    .action(
      act(ctx, async (): Promise<ExitCode> => {
        const config = ctx.config();
        return runUntilStopped(ctx, config, { writer: false, api: true, clusterApi: config.clusterApi.enabled, sweeper: false }, (s) => `pinstate api running (pid ${process.pid})${apiLine(s)}`);
      }),
    );

  program
    .command('sweep-ttl')
    .description('Expire pins whose expire_at has passed: publishes Expire intents to the intents topic (or --direct into the store)')
    .option('--interval <duration>', 'sweep every interval (default ttl.sweep_interval)')
    .option('--direct', 'apply through the store instead of Kafka (only for a keyspace no writer is serving)')
    .option('--once', 'sweep once and exit')
    .option('--json', 'with --once: print the report as JSON')
    .action(
      act(ctx, async (opts: { interval?: string; direct?: boolean; once?: boolean; json?: boolean }): Promise<ExitCode> => {
        const config = ctx.config();
        const intervalMs = opts.interval === undefined ? config.ttl.sweepIntervalMs : parseDurationFlag(opts.interval, '--interval', { min: 1 });
        const parts: ServiceParts = { writer: false, api: false, sweeper: { direct: opts.direct === true, intervalMs } };
        if (!opts.once) return runUntilStopped(ctx, config, parts, () => `pinstate sweep-ttl running (pid ${process.pid}): every ${formatDuration(intervalMs)}, ${opts.direct ? 'directly into the store' : `intents to ${config.kafka.topics.intents}`}`);
        const service = await startService({ config, logger: ctx.logger(), registry: createRegistry(), parts: { ...parts, sweeper: { direct: opts.direct === true, auto: false } } });
        try {
          const report = await service.sweeper!.sweepOnce();
          if (opts.json) ctx.out(`${JSON.stringify({ expired: report.expired, from_bucket: report.fromBucket, to_bucket: report.toBucket, partitions_scanned: report.partitionsScanned })}\n`);
          else ctx.out(`expired ${report.expired} pins (hour buckets ${report.fromBucket}–${report.toBucket})\n`);
        } finally {
          await service.close();
        }
        return EXIT.ok;
      }),
    );
}
