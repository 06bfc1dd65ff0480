/**
 * `pinstate`: the command line. main(argv) parses with commander, runs one command and returns its
 * exit code: 0 ok, 1 runtime failure, 2 usage error (commander's own, or a ValidationError /
 * ConfigError from the input, whose message names the field). Nothing here calls process.exit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { isPinstateError } from '../errors.js';
import { registerBenchCommand } from '../bench/cli.js';
import { registerMigrationCommands } from '../migrate/cli.js';
import { packageRoot } from '../paths.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerAgentCommand } from './commands/agent.js';
import { registerAllocatorCommands } from './commands/allocator.js';
import { registerFollowCommand } from './commands/follow.js';
import { registerPinCommands } from './commands/pin.js';
import { registerPlacementCommands } from './commands/placement.js';
import { registerServiceCommands } from './commands/service.js';
import { registerTopCommand } from './commands/top.js';
import { filterKnownWarnings } from './node-warnings.js';
import { createCliContext, EXIT, processIo, type CliIo, type ExitCode, type RunContext } from './context.js';

/**
 * Commands made by `.command()` are of this class, so an action may also just return its ExitCode
 * (migration commands do; pinstate's own use the `act` helper).
 */
class PinstateCommand extends Command {
  constructor(
    name: string | undefined,
    private readonly ctx: RunContext,
  ) {
    super(name);
  }

  override createCommand(name?: string): Command {
    return new PinstateCommand(name, this.ctx);
  }

  override action(fn: (this: this, ...args: never[]) => unknown): this {
    const ctx = this.ctx;
    return super.action(async function (this: Command, ...args: unknown[]) {
      const result: unknown = await (fn as (this: Command, ...a: unknown[]) => unknown).apply(this, args);
      if ((Object.values(EXIT) as unknown[]).includes(result)) ctx.setExitCode(result as ExitCode);
    });
  }
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The whole command tree (exported for tests that walk it). */
export function buildProgram(ctx: RunContext): Command {
  const program = new PinstateCommand('pinstate', ctx)
    .description('pinstate: the pin-state store for IPFS Cluster (Kafka intents in, ScyllaDB state out)')
    .version(version(), '-V, --version')
    .option('--config <file>', 'JSON config file (default: $PINSTATE_CONFIG; environment variables override it)')
    .exitOverride()
    .configureOutput({ writeOut: (t) => ctx.out(t), writeErr: (t) => ctx.err(t) })
    .showHelpAfterError('(run with --help for usage)')
    .showSuggestionAfterError(true);
  registerAdminCommands(program, ctx);
  registerServiceCommands(program, ctx);
  registerFollowCommand(program, ctx);
  registerAgentCommand(program, ctx);
  registerPinCommands(program, ctx);
  registerPlacementCommands(program, ctx);
  registerAllocatorCommands(program, ctx);
  registerTopCommand(program, ctx);
  registerMigrationCommands(program, ctx);
  registerBenchCommand(program, ctx);
  return program;
}

/** The exit code for an error a command threw, after printing it. */
export function exitCodeOf(err: unknown, ctx: Pick<RunContext, 'err'>): ExitCode {
  if (err instanceof CommanderError) {
    // commander printed its message already (help, version, or the usage error).
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  let message = err instanceof Error ? err.message : String(err);
  // Name the field at fault when the message does not already (ValidationError's do).
  if (isPinstateError(err) && err.field !== undefined && !message.includes(err.field)) message = `${err.field}: ${message}`;
  ctx.err(`error: ${message}\n`);
  if (isPinstateError(err) && (err.code === 'CONFIG_INVALID' || (err.isInputError && err.code !== 'PIN_NOT_FOUND'))) return EXIT.usage;
  return EXIT.failure;
}

/** Runs `pinstate <argv…>` and resolves with the exit code. `io` defaults to the real process. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  filterKnownWarnings();
  let configFile: string | undefined;
  const ctx = createCliContext(io, () => configFile);
  const program = buildProgram(ctx);
  program.hook('preAction', () => {
    configFile = program.opts<{ config?: string }>().config;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err: unknown) {
    return exitCodeOf(err, ctx);
  }
}
