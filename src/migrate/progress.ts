/**
 * Progress of a long command (import, export, verify, replay): a cli-progress bar with rate and
 * ETA on stderr when it is a terminal, a periodic pino log line otherwise (so pipes and log
 * collectors get something parseable and not a stream of carriage returns).
 */
import { SingleBar } from 'cli-progress';
import type { Logger } from '../log.js';

export interface ProgressUpdate {
  /** Work done in the bar's unit (bytes read, messages consumed). */
  readonly done: number;
  /** The total in the same unit, or null when unknown (stdin, a growing topic). */
  readonly total: number | null;
  /** Items handled so far (pins, messages): the rate is computed from these. */
  readonly items: number;
  /** Extra counters for the log line and the bar (rejected, applied, …). */
  readonly counts?: Readonly<Record<string, number>>;
}

export interface ProgressReporter {
  update(p: ProgressUpdate): void;
  stop(): void;
}

export interface ProgressOptions {
  /** What is counted: "import", "replay", … (log message and bar label). */
  readonly label: string;
  /** Unit of `items` ("pins", "messages"). */
  readonly unit: string;
  /** Draw a bar (stderr is a terminal). */
  readonly tty: boolean;
  readonly logger: Logger;
  /** Log-line interval when not a terminal, ms. Default 10 000. */
  readonly logEveryMs?: number;
  readonly stream?: NodeJS.WritableStream;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const started = performance.now();
  const rate = (items: number): number => items / Math.max((performance.now() - started) / 1000, 1e-3);
  let bar: SingleBar | undefined;
  let lastLog = 0;

  return {
    update(p) {
      const extra = Object.entries(p.counts ?? {}).map(([k, v]) => `${k} ${fmt(v)}`).join(' | ');
      if (options.tty) {
        const payload = { items: fmt(p.items), rate: fmt(rate(p.items)), extra: extra === '' ? '' : ` | ${extra}` };
        if (bar === undefined) {
          const format =
            p.total === null
              ? `${options.label} {items} ${options.unit} | {rate} ${options.unit}/s{extra}`
              : `${options.label} |{bar}| {percentage}% | {items} ${options.unit} | {rate} ${options.unit}/s | ETA {eta_formatted}{extra}`;
          bar = new SingleBar({ format, stream: options.stream ?? process.stderr, hideCursor: true, etaBuffer: 50, fps: 5, noTTYOutput: false });
          bar.start(p.total ?? 0, p.done, payload);
        }
        if (p.total !== null) bar.setTotal(p.total);
        bar.update(p.done, payload);
        return;
      }
      const now = performance.now();
      if (now - lastLog < (options.logEveryMs ?? 10_000)) return;
      lastLog = now;
      const percent = p.total !== null && p.total > 0 ? Math.round((p.done / p.total) * 1000) / 10 : null;
      const perSecond = Math.round(rate(p.items));
      const eta = percent !== null && p.done > 0 ? Math.round(((now - started) / 1000) * ((p.total! - p.done) / p.done)) : null;
      options.logger.info({ [options.unit]: p.items, perSecond, percent, etaSeconds: eta, ...p.counts }, `${options.label} progress`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
