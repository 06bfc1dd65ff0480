/** `pinstate export [FILE|-]`: src/migrate/exporter.ts's exportPins to a file or stdout, with progress and a summary. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { exportPins } from '../../migrate/exporter.js';
import { createProgressReporter } from '../../migrate/progress.js';
import { applyHeapPolicy } from '../../heap-policy.js';
import { createStore } from '../../store/store.js';
import { EXIT, type CliContext, type ExitCode } from '../context.js';

export async function exportCommand(ctx: CliContext, file: string | undefined, flags: { json?: boolean }): Promise<ExitCode> {
  const target = file ?? '-';
  const logger = ctx.logger().child({ component: 'export' });
  let store;
  try {
    const config = ctx.config();
    // It holds ~16 pages at a time; the heap policy keeps V8 from growing to four times that.
    applyHeapPolicy(config.heapGrowingPercent);
    store = await createStore({ config: config.scylla, logger });
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
