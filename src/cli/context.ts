/**
 * What every CLI command gets: config loaded once (file from --config or PINSTATE_CONFIG, then
 * the environment), a logger on stderr, and output helpers. Commands return an exit code:
 * 0 ok, 1 runtime failure, 2 usage error (bad arguments or input, naming what was wrong).
 */
import { loadConfig } from '../config/index.js';
import type { PinstateConfig } from '../config/types.js';
import { REEXEC_MARK } from '../heap-policy.js';
import { createLogger, type Logger } from '../log.js';

/** 0 ok, 1 runtime failure, 2 usage error, 3 done with rejected records (import). */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliContext {
  /** The compiled config (throws ConfigError naming the key when invalid). */
  config(): PinstateConfig;
  logger(): Logger;
  /** Writes to stdout (one call = one chunk; add "\n" yourself). */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, tables) rather than a pipe. */
  readonly interactive: boolean;
}

// ---------------------------------------------------------------------------------------------
// How src/cli/main.ts builds contexts (additions; the contract above is unchanged). An action
// handler may return an ExitCode (main uses it) or throw: a ValidationError or ConfigError exits
// 2 with its message (which names the field), anything else exits 1.

/** The process edge one CLI run talks to. `processIo()` is the real one; tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly interactive: boolean;
  /** The environment config is read from. */
  readonly env: NodeJS.ProcessEnv;
  /** Where pino log lines go (default: stderr). */
  readonly logStream: NodeJS.WritableStream;
  /** Resolves with the reason ("SIGTERM", "SIGINT", …) when a long-running command should stop. */
  untilStopped(): Promise<string>;
  /**
   * A stop that has begun must end within `ms`: past it the process exits with failure, whatever
   * is still open (a client library's socket or timer must not keep a stopped service alive).
   */
  boundStop(ms: number): void;
  /**
   * Replaces this process with node running the same command with `nodeFlags` in front of its own
   * flags (same pid, same open files); does not return unless it failed (it then throws). Present
   * only where the launcher allows it and node has process.execve: never inside a test runner.
   */
  readonly reexec?: (nodeFlags: readonly string[]) => void;
}

/** The context main.ts gives every command: CliContext plus what long-running commands need. */
export interface RunContext extends CliContext {
  readonly io: CliIo;
  /** The file given with --config (undefined: PINSTATE_CONFIG or none). */
  configFile(): string | undefined;
  untilStopped(): Promise<string>;
  /** Records the exit code main returns (the `act` helper calls it with the action's result). */
  setExitCode(code: ExitCode): void;
  readonly exitCode: ExitCode;
}

/** Wraps a typed action that returns its exit code into what commander calls. */
export function act<A extends unknown[]>(ctx: RunContext, fn: (...args: A) => Promise<ExitCode> | ExitCode): (...args: A) => Promise<void> {
  return async (...args: A) => {
    ctx.setExitCode(await fn(...args));
  };
}

export function createCliContext(io: CliIo, configFile: () => string | undefined): RunContext {
  let config: PinstateConfig | undefined;
  let logger: Logger | undefined;
  let exitCode: ExitCode = EXIT.ok;
  const ctx: RunContext = {
    get exitCode() {
      return exitCode;
    },
    setExitCode(code) {
      exitCode = code;
    },
    io,
    interactive: io.interactive,
    configFile,
    config() {
      config ??= loadConfig({ file: configFile(), env: io.env });
      return config;
    },
    logger() {
      if (logger === undefined) {
        let level: PinstateConfig['logLevel'] = 'info';
        try {
          level = ctx.config().logLevel;
        } catch {
          // The command reports the config error itself; logging still works meanwhile.
        }
        logger = createLogger({ level, destination: io.logStream });
      }
      return logger;
    },
    out: (text) => io.out(text),
    err: (text) => io.err(text),
    untilStopped: () => io.untilStopped(),
  };
  return ctx;
}

/**
 * Set once an error escaped into the background (an unhandled rejection: cassandra-driver 4.10's
 * control-connection refresh can reject that way after a database node restart). Instead of Node's
 * default (the process dies mid-batch), a long-running command stops as on SIGTERM — drain, commit,
 * close — and the process exits 1 so its supervisor starts a fresh one.
 */
let backgroundFailure: string | undefined;
const onBackgroundFailure = new Set<(reason: string) => void>();
let listening = false;

function backgroundError(err: unknown): void {
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`pinstate: an error escaped into the background, stopping (exit 1 after the drain): ${text}\n`);
  if (backgroundFailure !== undefined) return;
  backgroundFailure = 'unhandled error in the background';
  for (const stop of onBackgroundFailure) stop(backgroundFailure);
}

type Execve = (file: string, args: readonly string[], env: NodeJS.ProcessEnv) => never;

/**
 * The real process: stdout, stderr, process.env, SIGTERM/SIGINT (a second signal exits at once).
 * `reexec: true` (the launchers bin/pinstate.js, src/cli/main-entry.ts and consumers/writer/main.ts) lets a long-running
 * command re-execute itself with node flags it needs at start-up (src/heap-policy.ts).
 */
export function processIo(options: { readonly reexec?: boolean } = {}): CliIo {
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (!listening) {
    listening = true;
    process.on('unhandledRejection', backgroundError);
  }
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: process.stdout.isTTY === true,
    env: process.env,
    logStream: process.stderr,
    ...(options.reexec === true && typeof execve === 'function'
      ? {
          reexec: (nodeFlags: readonly string[]) =>
            execve.call(process, process.execPath, [process.execPath, ...nodeFlags, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, [REEXEC_MARK]: '1' }),
        }
      : {}),
    untilStopped: () =>
      new Promise<string>((resolve) => {
        const onSignal = (signal: NodeJS.Signals): void => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          const force = (): void => {
            process.stderr.write(`pinstate: second ${signal}: exiting without finishing the drain\n`);
            process.exit(EXIT.failure);
          };
          process.once('SIGTERM', force);
          process.once('SIGINT', force);
          resolve(signal);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        if (backgroundFailure !== undefined) resolve(backgroundFailure);
        else onBackgroundFailure.add(resolve);
      }),
    boundStop: (ms) => {
      const timer = setTimeout(() => {
        process.stderr.write(`pinstate: the stop took longer than ${Math.round(ms / 1000)} s: exiting without finishing it (still open: ${openResources().join(', ') || 'nothing'})\n`);
        process.exit(EXIT.failure);
      }, ms);
      // The bound never keeps the process alive by itself.
      timer.unref();
    },
  };
}

/** What keeps the event loop alive (Node's resource names: TCPSocketWrap, Timeout, …). */
function openResources(): string[] {
  return process.getActiveResourcesInfo();
}

/**
 * Ends the real process once a command returned: at once when nothing is left open, else after
 * `graceMs`, naming what a client library left behind (after a database node restart the
 * Cassandra driver can keep reconnected sockets past its shutdown()), so a finished command
 * never hangs.
 */
export function exitWhenDone(code: number, graceMs = 2000): void {
  // A clean drain after a background failure is still a failure: the process must be replaced.
  const exitCode = code === EXIT.ok && backgroundFailure !== undefined ? EXIT.failure : code;
  process.exitCode = exitCode;
  const timer = setTimeout(() => {
    const left = openResources().filter((r) => r !== 'Timeout');
    process.stderr.write(`pinstate: exiting with ${left.length} handle(s) still open (${left.join(', ')})\n`);
    process.exit(exitCode);
  }, graceMs);
  timer.unref();
}
