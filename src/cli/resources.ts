/** Connections a short CLI command opens and always closes: the store, the producer SDK. */
import { createPinProducer, type PinProducer } from '../../producers/index.js';
import { createStore, type PinStore } from '../store/store.js';
import type { CliContext } from './context.js';
import { sleep } from '../sleep.js';

export async function withStore<T>(ctx: CliContext, fn: (store: PinStore) => Promise<T>): Promise<T> {
  const config = ctx.config();
  const logger = ctx.logger();
  const store = await createStore({ config: config.scylla, logger: logger.child({}, { level: config.scylla.logLevel }) });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** A connected producer whose intents carry `origin` (default "cli"). */
export async function withProducer<T>(ctx: CliContext, fn: (producer: PinProducer) => Promise<T>, origin = 'cli'): Promise<T> {
  const producer = createPinProducer({ config: ctx.config().kafka, logger: ctx.logger(), origin });
  await producer.connect();
  try {
    return await fn(producer);
  } finally {
    await producer.disconnect();
  }
}

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passed. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
