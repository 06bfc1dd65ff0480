/** Runs the CLI from source: `node --import tsx src/cli/main-entry.ts <args>` (bin/pinstate.js runs the built one). */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
