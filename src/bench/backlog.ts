/**
 * Producing the workload: the backlog (all N pins' intents on a target's pins.intents before its
 * consumer starts) through the producer SDK, exactly as cluster nodes publish them.
 */
import { createPinProducer } from '../../producers/index.js';
import type { PinstateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { benchPin, pinIntents, type BenchPin } from './workload.js';

/** The workload's pins [from, to), generated lazily. */
export function* pinRange(seed: string, peers: readonly string[], from: number, to: number): Generator<BenchPin> {
  for (let i = from; i < to; i++) yield benchPin(seed, i, peers);
}

export interface BacklogResult {
  readonly intents: number;
  readonly ms: number;
}

const PINS_PER_CALL = 1000;
const CALLS_IN_FLIGHT = 4;

/**
 * Publishes pins [from, to) as UpsertPin + SetDesiredPlacement intents to `config`'s intents
 * topic. Intent times are `baseTs + index`, so ops look like a cluster's stream.
 */
export async function produceBacklog(config: PinstateConfig, logger: Logger, seed: string, peers: readonly string[], from: number, to: number, baseTs: number): Promise<BacklogResult> {
  const producer = createPinProducer({ config: config.kafka, logger, origin: 'bench', maxBatch: 1000 });
  await producer.connect();
  const started = performance.now();
  let intents = 0;
  try {
    const inFlight = new Set<Promise<void>>();
    let failure: Error | undefined;
    let chunk = [];
    for (const pin of pinRange(seed, peers, from, to)) {
      chunk.push(...pinIntents(seed, pin, baseTs + pin.index));
      if (chunk.length >= PINS_PER_CALL * 2 || pin.index === to - 1) {
        intents += chunk.length;
        const p: Promise<void> = producer
          .publishIntents(chunk)
          .then(
            () => undefined,
            (err: unknown) => void (failure ??= err instanceof Error ? err : new Error(JSON.stringify(err))),
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        chunk = [];
        if (inFlight.size >= CALLS_IN_FLIGHT) await Promise.race(inFlight);
        if (failure !== undefined) break;
      }
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
  } finally {
    await producer.disconnect();
  }
  return { intents, ms: performance.now() - started };
}
