/**
 * `pinstate replay --from-beginning | --from-timestamp T | --from-offsets FILE --keyspace NEW
 * [--group G] [--until-caught-up] [--json]`. Exit codes: 0 done (caught up with
 * --until-caught-up, or stopped by SIGINT/SIGTERM); 1 failure; 2 usage.
 */
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../context.js';
import { isPinstateError } from '../../errors.js';
import { applyHeapPolicy } from '../../heap-policy.js';
import { createProgressReporter } from '../../migrate/progress.js';
import { stopSignal } from './stop-signal.js';
import { runReplay, type ReplayReport } from '../../migrate/replay.js';
import { loadOffsetsFile, parseTimestamp, type ReplayStart } from '../../migrate/replay-start.js';

export interface ReplayFlags {
  readonly fromBeginning?: boolean;
  readonly fromTimestamp?: string;
  readonly fromOffsets?: string;
  readonly keyspace?: string;
  readonly group?: string;
  readonly untilCaughtUp?: boolean;
  readonly json?: boolean;
}

export function replayStartOf(flags: ReplayFlags): ReplayStart | string {
  const chosen = [flags.fromBeginning ? 1 : 0, flags.fromTimestamp !== undefined ? 1 : 0, flags.fromOffsets !== undefined ? 1 : 0].reduce((a, b) => a + b, 0);
  if (chosen !== 1) return 'give exactly one of --from-beginning, --from-timestamp T, --from-offsets FILE';
  try {
    if (flags.fromBeginning) return { kind: 'beginning' };
    if (flags.fromTimestamp !== undefined) return { kind: 'timestamp', ts: parseTimestamp(flags.fromTimestamp) };
    return { kind: 'offsets', offsets: loadOffsetsFile(flags.fromOffsets!) };
  } catch (err: unknown) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function replayCommand(ctx: CliContext, flags: ReplayFlags): Promise<ExitCode> {
  const usage = (m: string): ExitCode => {
    ctx.err(`pinstate replay: ${m}\n`);
    return EXIT.usage;
  };
  if (!flags.keyspace) return usage('--keyspace NEW is required');
  const start = replayStartOf(flags);
  if (typeof start === 'string') return usage(start);
  const logger = ctx.logger().child({ component: 'replay' });
  const bar = createProgressReporter({ label: 'replay', unit: 'messages', tty: process.stderr.isTTY === true, logger });
  const abort = stopSignal(ctx);
  try {
    const config = ctx.config();
    // A writer into another keyspace: the same heap policy as `pinstate writer`.
    applyHeapPolicy(config.heapGrowingPercent);
    const report = await runReplay({
      config,
      keyspace: flags.keyspace,
      ...(flags.group ? { groupId: flags.group } : {}),
      start,
      untilCaughtUp: flags.untilCaughtUp ?? false,
      signal: abort.signal,
      logger,
      onProgress: (p) => bar.update({ done: p.done, total: p.total, items: p.done, counts: { lag: p.lag } }),
    });
    bar.stop();
    ctx.out(flags.json ? `${JSON.stringify(report)}\n` : formatReplayReport(report));
    return EXIT.ok;
  } catch (err: unknown) {
    bar.stop();
    const message = err instanceof Error ? err.message : String(err);
    if (isPinstateError(err) && err.isInputError) return usage(message);
    ctx.err(`pinstate replay: ${message}\n`);
    return EXIT.failure;
  } finally {
    abort.dispose();
  }
}

export function formatReplayReport(r: ReplayReport): string {
  return [
    `keyspace:     ${r.keyspace} (group ${r.groupId})`,
    `caught up:    ${r.caughtUp ? 'yes' : 'no (stopped before the end)'}`,
    `messages:     ${r.messages}`,
    `applied:      ${r.applied}`,
    `deduplicated: ${r.deduplicated}${r.redelivered > 0 ? ` (+ ${r.redelivered} redelivered)` : ''}`,
    `rejected:     ${r.rejected}`,
    `dead-letter:  ${r.deadLettered} (counted only: replay publishes nothing)`,
    `time:         ${r.seconds.toFixed(1)} s = ${Math.round(r.messagesPerSecond)} messages/s`,
    '',
  ].join('\n');
}
