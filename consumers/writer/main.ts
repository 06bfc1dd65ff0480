/**
 * Standalone writer process (`node --import tsx consumers/writer/main.ts` in tests): the same as
 * `pinstate writer`. Config from PINSTATE_CONFIG and the environment; extra arguments go to the
 * command (`--http`). Exit code 0 after a clean drain on SIGTERM/SIGINT, 1 on failure.
 */
import { exitWhenDone } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

exitWhenDone(await main(['writer', ...process.argv.slice(2)]));
