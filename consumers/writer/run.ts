/**
 * Runs a writer as a long-lived process part: opens the store, starts the writer, and stops it
 * gracefully on SIGTERM/SIGINT (stop fetching → finish in-flight batches → commit → close).
 */
import type { PinstateConfig } from '../../src/config/types.js';
import type { Logger } from '../../src/log.js';
import type { Registry } from '../../src/metrics.js';
import { createStore, type PinStore } from '../../src/store/store.js';
import { createWriter, type Writer } from './writer.js';

export interface RunningWriter {
  readonly writer: Writer;
  readonly store: PinStore;
  /** Resolves once the writer has stopped (after a signal or close()). */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

export async function runWriter(config: PinstateConfig, logger: Logger, registry: Registry, options: { handleSignals?: boolean } = {}): Promise<RunningWriter> {
  const store = await createStore({ config: config.scylla, logger });
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await writer.stop();
      await store.close();
      resolveDone();
    })());
  // A consumer that crashed for good closes the writer, so the process exits and can be restarted.
  const writer = createWriter({ config, store, logger, registry, onFatal: () => void close() });
  try {
    await writer.start();
  } catch (err: unknown) {
    await store.close();
    throw err;
  }
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'stopping writer');
        void close();
      });
    }
  }
  return { writer, store, done, close };
}
