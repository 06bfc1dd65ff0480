/** CLI commands of the migration tools (import, export, verify, replay). Registered by src/cli/main.ts. */
import type { Command } from 'commander';
import type { CliContext } from '../cli/context.js';

export function registerMigrationCommands(_program: Command, _ctx: CliContext): void {
  // Filled in by the migration work (issue: Migration and replay).
}
