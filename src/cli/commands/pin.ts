/** `pinstate pin …`: add, rm, ls, get. */
import type { Command } from 'commander';
import type { RunContext } from '../context.js';
import { registerPinReadCommands } from './pin-read.js';
import { registerPinWriteCommands } from './pin-write.js';

export function registerPinCommands(program: Command, ctx: RunContext): void {
  const pin = program.command('pin').description('Pins: add and rm publish intents; ls and get read the store');
  registerPinWriteCommands(pin, ctx);
  registerPinReadCommands(pin, ctx);
}
