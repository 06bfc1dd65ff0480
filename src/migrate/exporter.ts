/**
 * `pinstate export [FILE|-]`: the whole pinset as IPFS Cluster's `state export` NDJSON
 * (formatApiPinLine: one api.Pin per line, Go's key order and escaping), so
 * `ipfs-cluster-service state import` reads it back. Streams store.list() into the output and
 * waits on the stream's backpressure: memory stays at the list's pages in flight.
 *
 * Normalisations (docs/ipfs-cluster-compat.md): allocations sorted, times in whole seconds UTC,
 * `user_allocations` null, `origins` [] when empty, pinstate-only owner/tags left out. Order is
 * token order, not IPFS Cluster's datastore key order; importers do not depend on order.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { toClusterPin } from '../adapter/cluster-state.js';
import { formatApiPinLine } from '../cluster/index.js';
import type { CliContext } from '../cli/context.js';
import { EXIT, type ExitCode } from '../cli/context.js';
import type { StoredPin } from '../store/reads.js';
import { createStore } from '../store/store.js';
import { createProgressReporter } from './progress.js';

export interface ExportReport {
  readonly pins: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** Writes every pin of `pins` to `out` as an export line; resolves after the last write is flushed to the stream. */
export async function exportPins(pins: AsyncIterable<StoredPin>, out: Writable, onPin?: (count: number) => void): Promise<ExportReport> {
  const started = performance.now();
  let count = 0;
  let bytes = 0;
  for await (const pin of pins) {
    const line = formatApiPinLine(toClusterPin(pin));
    bytes += Buffer.byteLength(line);
    count++;
    if (!out.write(line)) await once(out, 'drain');
    onPin?.(count);
  }
  return { pins: count, bytes, seconds: (performance.now() - started) / 1000 };
}

export async function exportCommand(ctx: CliContext, file: string | undefined, flags: { json?: boolean }): Promise<ExitCode> {
  const target = file ?? '-';
  const logger = ctx.logger().child({ component: 'export' });
  let store;
  try {
    store = await createStore({ config: ctx.config().scylla, logger });
  } catch (err: unknown) {
    ctx.err(`pinstate export: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
  const total = (await store.stats().catch(() => null))?.pins ?? null;
  const bar = createProgressReporter({ label: 'export', unit: 'pins', tty: target !== '-' && process.stderr.isTTY === true, logger });
  const out: Writable = target === '-' ? process.stdout : createWriteStream(target);
  try {
    const report = await exportPins(store.list(), out, (n) => {
      if (n % 1000 === 0) bar.update({ done: n, total, items: n });
    });
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
    bar.stop();
    const summary = { ...report, file: target };
    // The pins go to stdout when FILE is "-": the summary then goes to stderr.
    const text = flags.json ? `${JSON.stringify(summary)}\n` : `exported ${report.pins} pins (${report.bytes} bytes) to ${target === '-' ? 'stdout' : target} in ${report.seconds.toFixed(1)} s\n`;
    if (target === '-') ctx.err(text);
    else ctx.out(text);
    return EXIT.ok;
  } catch (err: unknown) {
    bar.stop();
    ctx.err(`pinstate export: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  } finally {
    await store.close();
  }
}
