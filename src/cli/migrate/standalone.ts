/**
 * The migration commands without the rest of the CLI, for benchmarks and scripts:
 *
 *   node --import tsx src/cli/migrate/standalone.ts import export.ndjson --direct
 *
 * Same commands, flags and exit codes as `pinstate import|export|verify|replay`. Config from
 * PINSTATE_CONFIG (or --config is not supported here) and the environment, logs on stderr.
 */
import { CommanderError } from 'commander';
import type { CliContext } from '../context.js';
import { loadConfig } from '../../config/index.js';
import type { PinstateConfig } from '../../config/types.js';
import { createLogger, type Logger } from '../../log.js';
import { migrationProgram } from './register.js';

export function processContext(): CliContext {
  let config: PinstateConfig | undefined;
  let logger: Logger | undefined;
  return {
    config: () => (config ??= loadConfig()),
    logger: () => (logger ??= createLogger({ level: (config ??= loadConfig()).logLevel, destination: process.stderr })),
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    interactive: process.stdout.isTTY === true,
  };
}

export async function runStandalone(argv: readonly string[]): Promise<number> {
  let code = 0;
  const program = migrationProgram(processContext(), { onExit: (c) => (code = c) });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err: unknown) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runStandalone(process.argv.slice(2));
}
