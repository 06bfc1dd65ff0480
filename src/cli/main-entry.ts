/** Runs the CLI from source: `node --import tsx src/cli/main-entry.ts <args>` (bin/pinstate.js runs the built one). */
import { exitWhenDone, processIo } from './context.js';
import { main } from './main.js';

// A launcher: it may re-execute itself with heap_semi_space_mb, as bin/pinstate.js does.
exitWhenDone(await main(process.argv.slice(2), processIo({ reexec: true })));
