/**
 * Standalone writer process (`node --import tsx consumers/writer/main.ts` in tests; the CLI's
 * `pinstate writer` does the same). Config from PINSTATE_CONFIG and the environment.
 * Exit code 0 after a clean drain, 1 on failure.
 */
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { createRegistry } from '../../src/metrics.js';
import { runWriter } from './run.js';

const config = loadConfig();
const logger = createLogger({ level: config.logLevel, name: 'pinstate-writer' });
try {
  const running = await runWriter(config, logger, createRegistry());
  logger.info({ pid: process.pid }, 'writer running');
  await running.done;
  process.exitCode = running.writer.state === 'stopped' ? 0 : 1;
} catch (err: unknown) {
  logger.error({ err: err instanceof Error ? err.message : String(err) }, 'writer failed');
  process.exitCode = 1;
}
