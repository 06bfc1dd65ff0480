/**
 * `pinstate top`: a terminal view of a running instance, from its /metrics every 2 s — throughput,
 * lag, apply latency, DLQ counts, API rate and health. Plain ANSI; `--once` prints one frame.
 */
import type { Command } from 'commander';
import { ValidationError } from '../../errors.js';
import { parseDurationFlag } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { scrapePromText, type Sample } from '../../prom-text.js';
import { sleep } from '../../sleep.js';
import { renderTop, topView } from '../top/view.js';

const CLEAR = '\x1b[2J\x1b[H';

function defaultUrl(ctx: RunContext): string {
  try {
    const { host, port } = ctx.config().api;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/metrics`;
  } catch {
    return 'http://127.0.0.1:9097/metrics';
  }
}

export function registerTopCommand(program: Command, ctx: RunContext): void {
  program
    .command('top')
    .description('Live view of a running instance from its /metrics: throughput, lag, apply p99, DLQ, API')
    .option('--url <url>', 'metrics URL (default http://<api.host>:<api.port>/metrics)')
    .option('--interval <duration>', 'refresh interval', '2s')
    .option('--once', 'print one frame (two scrapes one interval apart) and exit')
    .action(
      act(ctx, async (opts: { url?: string; interval: string; once?: boolean }): Promise<ExitCode> => {
        const intervalMs = parseDurationFlag(opts.interval, '--interval', { min: 100 });
        const url = opts.url ?? defaultUrl(ctx);
        try {
          new URL(url);
        } catch {
          throw new ValidationError('INVALID_FIELD', '--url', `not a URL: ${JSON.stringify(url)}`);
        }
        let before: { samples: Sample[]; at: number } | undefined;
        let stopped = false;
        const stop = ctx.untilStopped().then(() => {
          stopped = true;
        });
        for (;;) {
          const samples = await scrapePromText(url);
          const at = Date.now();
          const frame = renderTop(topView(samples, before?.samples, before === undefined ? 0 : (at - before.at) / 1000), url, new Date(at));
          if (opts.once) {
            if (before !== undefined) {
              ctx.out(`${frame.join('\n')}\n`);
              return EXIT.ok;
            }
          } else ctx.out(`${ctx.interactive ? CLEAR : ''}${frame.join('\n')}\n${ctx.interactive ? '' : '\n'}`);
          before = { samples, at };
          // Abort the interval's timer once stopped, so a stop never waits out the interval.
          const interval = new AbortController();
          await Promise.race([stop, sleep(intervalMs, interval.signal).catch(() => undefined)]);
          interval.abort();
          if (stopped) return EXIT.ok;
        }
      }),
    );
}
