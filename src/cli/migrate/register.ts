/**
 * CLI commands of the migration tools (import, export, verify, replay). Registered by
 * src/cli/main.ts. Each action returns its exit code (main.ts uses an action's returned code) and
 * also hands it to `onExit` when given (the standalone runner, tests). Exit codes per command:
 * docs/migration.md — import adds 3, "completed, but some records were rejected".
 */
import { Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { exportCommand } from './export-command.js';
import { importCommand, type ImportFlags } from './import-command.js';
import { replayCommand, type ReplayFlags } from './replay-command.js';
import { verifyCommand, type VerifyFlags } from './verify-command.js';

export interface MigrationCommandOptions {
  /** Also receives each command's exit code. */
  readonly onExit?: (code: number) => void;
}

export function registerMigrationCommands(program: Command, ctx: CliContext, options: MigrationCommandOptions = {}): void {
  const onExit = <T extends number>(code: T): T => {
    options.onExit?.(code);
    return code;
  };
  // commander types an action as returning void; main.ts's command class reads the returned code.
  const returning = <A extends unknown[]>(fn: (...args: A) => Promise<number>): ((...args: A) => Promise<void>) => fn as unknown as (...args: A) => Promise<void>;

  program
    .command('import')
    .description('import an IPFS Cluster state export (`ipfs-cluster-service state export`) into pinstate')
    .argument('[file]', 'export file, or - for stdin', '-')
    .option('--direct', 'write through the store instead of publishing to pins.intents (no writer, no events)')
    .option('--resume', 'continue an interrupted import from <file>.pinstate-import.json')
    .option('--strict', 'stop at the first bad record (exit 1) instead of rejecting it and going on')
    .option('--rmin <n>', 'replication_factor_min for every pin (> 0 overrides, like state import --rmin)')
    .option('--rmax <n>', 'replication_factor_max for every pin (> 0 overrides)')
    .option('--allocs <peers>', 'comma-separated peer ids replacing every pin\'s allocations')
    .option('--rejects <file>', 'where rejected records go (NDJSON; default <file>.rejects.ndjson)')
    .option('--checkpoint <file>', 'checkpoint path (default <file>.pinstate-import.json)')
    .option('--batch <n>', 'pins per batch (default 500)')
    .option('--wait', 'Kafka path: after publishing, wait until the writer group has applied everything')
    .option('--json', 'print the final report as JSON')
    .addOption(new Option('--stop-after <n>', 'stop after n records, leaving a resumable checkpoint').argParser((v) => Number(v)).hideHelp())
    .action(returning(async (file: string, flags: ImportFlags) => onExit(await importCommand(ctx, file, flags))));

  program
    .command('export')
    .description('write the whole pinset as IPFS Cluster state-export NDJSON')
    .argument('[file]', 'output file, or - for stdout', '-')
    .option('--json', 'print the summary as JSON')
    .action(returning(async (file: string, flags: { json?: boolean }) => onExit(await exportCommand(ctx, file, flags))));

  program
    .command('verify')
    .description('compare an IPFS Cluster export with the store: missing, extra, differing pins (exit 0 only when equal)')
    .option('--against <file>', 'the export file to compare with')
    .option('--json', 'print the report as JSON')
    .option('--sample <n>', 'examples kept of each kind of difference (default 10)')
    .option('--concurrency <n>', 'point reads in flight (default 32)')
    .option('--rmin <n>', 'apply the same override the import used')
    .option('--rmax <n>', 'apply the same override the import used')
    .option('--allocs <peers>', 'apply the same override the import used')
    .action(returning(async (flags: VerifyFlags) => onExit(await verifyCommand(ctx, flags))));

  program
    .command('replay')
    .description('re-apply the intents and acks logs into another keyspace with a consumer group of its own')
    .option('--from-beginning', 'start at the earliest retained offsets')
    .option('--from-timestamp <t>', 'start at the first offsets at or after T (unix ms or RFC 3339)')
    .option('--from-offsets <file>', 'start at offsets from a JSON file {"<topic>": {"<partition>": "<offset>"}}')
    .option('--keyspace <name>', 'the keyspace to fill (schema applied first; not the live one)')
    .option('--group <id>', 'consumer group (default pinstate-replay-<keyspace>)')
    .option('--until-caught-up', 'stop once the end offsets seen at start are applied')
    .option('--json', 'print the final report as JSON')
    .action(returning(async (flags: ReplayFlags) => onExit(await replayCommand(ctx, flags))));
}

/** A program with only the migration commands (standalone runner, tests). */
export function migrationProgram(ctx: CliContext, options: MigrationCommandOptions = {}): Command {
  const program = new Command('pinstate').exitOverride().configureOutput({ writeOut: (s) => ctx.out(s), writeErr: (s) => ctx.err(s) });
  registerMigrationCommands(program, ctx, options);
  return program;
}
