/** Runs the CLI from source: `node --import tsx src/cli/main-entry.ts <args>` (bin/pinstate.js runs the built one). */
import { exitWhenDone } from './context.js';
import { main } from './main.js';

exitWhenDone(await main(process.argv.slice(2)));
