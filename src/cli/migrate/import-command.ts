/**
 * `pinstate import [FILE|-]`: an IPFS Cluster state export → pins.intents (default) or the store
 * (`--direct`). Exit codes (docs/migration.md):
 *   0 every record imported · 1 failure (Kafka/database error, interrupted, or --strict stopped at
 *   a bad record) · 2 usage (bad flags, unreadable FILE, checkpoint of another import) ·
 *   3 finished, but some records were rejected (listed in the reject file).
 */
import { createPinProducer } from '../../../producers/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../context.js';
import type { PinstateConfig } from '../../config/types.js';
import { isPinstateError } from '../../errors.js';
import { applyHeapPolicy } from '../../heap-policy.js';
import { createKafka } from '../../kafka/client.js';
import { waitForGroupCaughtUp } from '../../kafka/lag.js';
import { createStore } from '../../store/store.js';
import { directSink, kafkaSink, type ImportSink } from '../../migrate/import-sinks.js';
import { runImport, type ImportReport } from '../../migrate/importer.js';
import { parseOverrides } from '../../migrate/overrides.js';
import { createProgressReporter } from '../../migrate/progress.js';
import { stopSignal } from './stop-signal.js';

export const IMPORT_EXIT = { ...EXIT, rejected: 3 } as const;
export type ImportExitCode = (typeof IMPORT_EXIT)[keyof typeof IMPORT_EXIT];

export interface ImportFlags {
  readonly direct?: boolean;
  readonly resume?: boolean;
  readonly strict?: boolean;
  readonly rmin?: string;
  readonly rmax?: string;
  readonly allocs?: string;
  readonly rejects?: string;
  readonly checkpoint?: string;
  readonly batch?: string;
  /** Kafka path: after publishing, wait until the writer group has applied everything (timeout, Go duration-ish seconds). */
  readonly wait?: boolean;
  readonly json?: boolean;
  /** Test hook: stop after N records (leaves a resumable checkpoint). */
  readonly stopAfter?: number;
}

export interface ImportDeps {
  readonly stdin?: AsyncIterable<Uint8Array>;
  /** Replaces the Kafka/store sink (tests). */
  readonly sink?: ImportSink;
}

function usage(ctx: CliContext, message: string): ImportExitCode {
  ctx.err(`pinstate import: ${message}\n`);
  return IMPORT_EXIT.usage;
}

export async function importCommand(ctx: CliContext, file: string | undefined, flags: ImportFlags, deps: ImportDeps = {}): Promise<ImportExitCode> {
  const input = file ?? '-';
  let overrides;
  try {
    overrides = parseOverrides(flags);
  } catch (err: unknown) {
    return usage(ctx, err instanceof Error ? err.message : String(err));
  }
  const batchPins = flags.batch === undefined ? undefined : Number(flags.batch);
  if (batchPins !== undefined && (!Number.isSafeInteger(batchPins) || batchPins < 1)) return usage(ctx, `--batch: expected a positive integer, got ${flags.batch}`);
  if (input === '-' && flags.resume) return usage(ctx, '--resume needs a FILE (stdin cannot be re-read)');

  const config: PinstateConfig = ctx.config();
  applyHeapPolicy(config.heapGrowingPercent);
  const logger = ctx.logger().child({ component: 'import' });
  const closers: Array<() => Promise<void>> = [];
  const abort = stopSignal(ctx);
  const bar = createProgressReporter({ label: 'import', unit: 'pins', tty: process.stderr.isTTY === true, logger });
  try {
    let sink = deps.sink;
    if (sink === undefined && flags.direct) {
      const store = await createStore({ config: config.scylla, logger });
      closers.push(() => store.close());
      sink = directSink(store);
    } else if (sink === undefined) {
      const producer = createPinProducer({ config: config.kafka, logger, origin: 'importer', lingerMs: 5, maxBatch: 1000, maxPending: 20_000 });
      await producer.connect();
      closers.push(() => producer.disconnect());
      sink = kafkaSink(producer, config.kafka.topics.intents);
    }
    const report = await runImport({
      input,
      ...(deps.stdin ? { stdin: deps.stdin } : input === '-' ? { stdin: process.stdin } : {}),
      sink,
      overrides,
      strict: flags.strict ?? false,
      resume: flags.resume ?? false,
      ...(flags.checkpoint ? { checkpointPath: flags.checkpoint } : {}),
      ...(flags.rejects ? { rejectsPath: flags.rejects } : {}),
      ...(batchPins ? { batchPins } : {}),
      ...(flags.stopAfter !== undefined ? { stopAfter: flags.stopAfter } : {}),
      signal: abort.signal,
      onProgress: (p) => bar.update({ done: p.bytes, total: p.totalBytes, items: p.read, counts: { rejected: p.rejected } }),
    });
    bar.stop();
    let appliedSeconds: number | null = null;
    if (flags.wait && !flags.direct && report.outcome === 'completed') {
      const t0 = performance.now();
      const admin = createKafka({ config: config.kafka, logger }).admin();
      await admin.connect();
      try {
        await waitForGroupCaughtUp(admin, config.kafka.groupId, [config.kafka.topics.intents, config.kafka.topics.acks], 24 * 3600_000, 500);
      } finally {
        await admin.disconnect();
      }
      appliedSeconds = report.seconds + (performance.now() - t0) / 1000;
    }
    ctx.out(flags.json ? `${JSON.stringify({ ...report, appliedSeconds })}\n` : formatImportReport(report, appliedSeconds));
    return exitCodeOf(report);
  } catch (err: unknown) {
    bar.stop();
    const message = err instanceof Error ? err.message : String(err);
    if (isPinstateError(err) && err.isInputError) return usage(ctx, message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return usage(ctx, message);
    ctx.err(`pinstate import: ${message}\n`);
    return IMPORT_EXIT.failure;
  } finally {
    abort.dispose();
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

export function exitCodeOf(report: ImportReport): ImportExitCode {
  if (report.outcome !== 'completed') return IMPORT_EXIT.failure;
  return report.rejected > 0 ? IMPORT_EXIT.rejected : IMPORT_EXIT.ok;
}

/** The final report, one `key: value` per line. */
export function formatImportReport(r: ImportReport, appliedSeconds: number | null = null): string {
  const lines = [
    `outcome:      ${r.outcome}${r.error ? ` (${r.error})` : ''}`,
    `target:       ${r.target}`,
    `read:         ${r.read}`,
    `${r.target.startsWith('kafka:') ? 'published' : 'applied'}:${r.target.startsWith('kafka:') ? '    ' : '      '}${r.written}`,
    `rejected:     ${r.rejected}${r.rejectFile ? ` (see ${r.rejectFile})` : ''}`,
    `duplicates:   ${r.target.startsWith('kafka:') ? 'n/a (the writer deduplicates)' : r.duplicates}`,
    `this run:     ${r.readThisRun} records in ${r.seconds.toFixed(1)} s = ${Math.round(r.pinsPerSecond)} pins/s`,
  ];
  if (appliedSeconds !== null) lines.push(`applied by the writer group after ${appliedSeconds.toFixed(1)} s = ${Math.round(r.readThisRun / appliedSeconds)} pins/s end to end`);
  if (r.resumedFrom) lines.push(`resumed from: line ${r.resumedFrom.line} (byte ${r.resumedFrom.offset})`);
  if (r.outcome !== 'completed' && r.checkpoint) lines.push(`resume with:  pinstate import ${JSON.stringify(r.checkpoint.replace(/\.pinstate-import\.json$/, ''))} --resume (checkpoint ${r.checkpoint})`);
  return `${lines.join('\n')}\n`;
}
