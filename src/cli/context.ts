/**
 * What every CLI command gets: config loaded once (file from --config or PINSTATE_CONFIG, then
 * the environment), a logger on stderr, and output helpers. Commands return an exit code:
 * 0 ok, 1 runtime failure, 2 usage error (bad arguments or input, naming what was wrong).
 */
import type { PinstateConfig } from '../config/types.js';
import type { Logger } from '../log.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
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
