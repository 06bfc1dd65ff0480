/**
 * The latency mode: new pins offered at a fixed rate through the producer SDK while the writer
 * runs; each op's latency is the time from its scheduled send to its PinEvent appearing on the
 * events topic. Latency counts from the schedule, not from when the send happened, so a sender
 * that falls behind shows up as latency instead of hiding it (no coordinated omission).
 */
import { createPinProducer } from '../../producers/index.js';
import { decodePinEvent } from '../codec/index.js';
import type { PinstateConfig } from '../config/types.js';
import { createKafka } from '../kafka/client.js';
import { topicOffsets } from '../kafka/offsets.js';
import type { Logger } from '../log.js';
import { benchPin, pinIntents } from './workload.js';
import { sleep } from '../sleep.js';

export interface LatencyOptions {
  readonly seed: string;
  readonly peers: readonly string[];
  /** Index of the first new pin (after the backlog's). */
  readonly firstIndex: number;
  readonly pinsPerSecond: number;
  readonly seconds: number;
  /** How long to wait for the last events after sending stops. */
  readonly settleMs?: number;
}

export interface LatencyResult {
  readonly sentPins: number;
  readonly ops: number;
  readonly sendSeconds: number;
  /** Per op, in send order, ms (0.1 ms resolution); ops whose event never came are left out. */
  readonly latenciesMs: number[];
  readonly lost: number;
  readonly sendErrors: number;
}


export async function measureLatency(config: PinstateConfig, logger: Logger, options: LatencyOptions): Promise<LatencyResult> {
  const kafka = createKafka({ config: config.kafka, logger, clientId: 'pinstate-bench-latency' });
  const groupId = `${config.kafka.groupId}.latency`;
  const eventsTopic = config.kafka.topics.events;
  const admin = kafka.admin();
  await admin.connect();
  // Start reading the events topic at its current end: only the new pins' events matter.
  const ends = await topicOffsets(admin, eventsTopic);
  await admin.setOffsets({ groupId, topic: eventsTopic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
  await admin.disconnect();

  const scheduled = new Map<string, number>();
  const arrived = new Map<string, number>();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: eventsTopic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const m of batch.messages) {
        if (m.value === null) continue;
        const opId = decodePinEvent(m.value).opId;
        if (scheduled.has(opId) && !arrived.has(opId)) arrived.set(opId, now);
      }
      return Promise.resolve();
    },
  });
  await joined;

  const producer = createPinProducer({ config: config.kafka, logger, origin: 'bench' });
  await producer.connect();
  const order: string[] = [];
  let sendErrors = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  try {
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= options.seconds * 1000) break;
      const due = Math.floor((elapsed / 1000) * options.pinsPerSecond);
      for (; sent < due; sent++) {
        const at = start + (sent / options.pinsPerSecond) * 1000;
        const intents = pinIntents(options.seed, benchPin(options.seed, options.firstIndex + sent, options.peers), Date.now());
        for (const intent of intents) {
          scheduled.set(intent.opId, at);
          order.push(intent.opId);
        }
        const p: Promise<void> = producer
          .publishIntents(intents)
          .then(
            () => undefined,
            () => void sendErrors++,
          )
          .finally(() => pending.delete(p));
        pending.add(p);
      }
      await sleep(1);
    }
    const sendSeconds = (performance.now() - start) / 1000;
    await Promise.all(pending);
    const deadline = performance.now() + (options.settleMs ?? 30_000);
    while (arrived.size < order.length && performance.now() < deadline) await sleep(20);
    const latenciesMs = order.filter((id) => arrived.has(id)).map((id) => Math.round((arrived.get(id)! - scheduled.get(id)!) * 10) / 10);
    return { sentPins: sent, ops: order.length, sendSeconds, latenciesMs, lost: order.length - latenciesMs.length, sendErrors };
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
}
