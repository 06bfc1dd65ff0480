/**
 * Standalone writer process (`node --import tsx consumers/writer/main.ts` in tests): the same as
 * `pinstate writer`. Config from PINSTATE_CONFIG and the environment; extra arguments go to the
 * command (`--http`). Exit code 0 after a clean drain on SIGTERM/SIGINT, 1 on failure.
 */
import { exitWhenDone, processIo } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

// A launcher, like bin/pinstate.js: it may re-execute itself with heap_semi_space_mb.
exitWhenDone(await main(['writer', ...process.argv.slice(2)], processIo({ reexec: true })));
