/** Runs the CLI in-process with captured stdout, stderr and logs, and a stop the test controls. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';

export interface Captured {
  readonly io: CliIo;
  out(): string;
  err(): string;
  logs(): string;
  /** Makes untilStopped() resolve, as SIGTERM would. */
  stop(reason?: string): void;
  /** The bounds (ms) the command put on its stop, in order. */
  bounds(): readonly number[];
}

export function captureIo(env: NodeJS.ProcessEnv = {}): Captured {
  let out = '';
  let err = '';
  let logs = '';
  const bounds: number[] = [];
  let resolveStop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => (resolveStop = r));
  return {
    io: {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      interactive: false,
      env,
      logStream: new Writable({
        write(chunk: Buffer, _enc, cb) {
          logs += chunk.toString();
          cb();
        },
      }),
      untilStopped: () => stopped,
      boundStop: (ms) => void bounds.push(ms),
    },
    out: () => out,
    err: () => err,
    logs: () => logs,
    stop: (reason = 'SIGTERM') => resolveStop(reason),
    bounds: () => bounds,
  };
}

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `pinstate <argv…>` to completion. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const c = captureIo(env);
  const code = await main(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

/** Starts a long-running command; `stop()` ends it like SIGTERM and resolves with its result. */
export function startCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): { captured: Captured; done: Promise<number>; stop(): Promise<RunResult> } {
  const captured = captureIo(env);
  const done = main(argv, captured.io);
  return {
    captured,
    done,
    async stop() {
      captured.stop();
      const code = await done;
      return { code, out: captured.out(), err: captured.err() };
    },
  };
}
