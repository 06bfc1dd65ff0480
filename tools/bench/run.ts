/**
 * Runs `pinstate bench` on its own: `node --import tsx tools/bench/run.ts [--config FILE] <bench options>`.
 * The same command as `pinstate bench` (src/cli/commands/bench.ts), without the rest of the CLI.
 */
import { Command } from 'commander';
import { createCliContext, processIo } from '../../src/cli/context.js';
import { registerBenchCommand } from '../../src/cli/commands/bench.js';

let configFile: string | undefined;
const ctx = createCliContext(processIo(), () => configFile);
const program = new Command('pinstate').option('--config <file>', 'JSON config file (default: $PINSTATE_CONFIG)').exitOverride();
program.hook('preAction', () => {
  configFile = program.opts<{ config?: string }>().config;
});
registerBenchCommand(program, ctx);
try {
  await program.parseAsync(['bench', ...process.argv.slice(2)], { from: 'user' });
  process.exitCode = ctx.exitCode;
} catch (err: unknown) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
