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
  /**
   * Seconds of the same load offered before the measured `seconds`, whose ops are kept apart
   * (default 0). The mode starts the moment a backlog drain ends, with a new producer and a new
   * events consumer; their first second is start-up, not the steady state the figure is about.
   */
  readonly warmupSeconds?: number;
  /** Called once, when the warm-up ends and measured ops begin (e.g. to snapshot the writer's metrics). */
  readonly onMeasureStart?: () => void;
  /** How long to wait for the last events after sending stops. */
  readonly settleMs?: number;
}

export interface LatencyResult {
  /** Pins sent, the warm-up's included. */
  readonly sentPins: number;
  readonly ops: number;
  readonly sendSeconds: number;
  /** Per op, in send order, ms (0.1 ms resolution); ops whose event never came are left out. */
  readonly latenciesMs: number[];
  /**
   * For the same ops, in the same order, where each one's time went (ms after its scheduled send):
   * when the producer's publish of it was acknowledged, and when the writer published its event
   * (the event record's timestamp, which kafkajs stamps as it sends). The rest of latenciesMs,
   * after `publishedMs`, is the events' way to the bench's consumer.
   */
  readonly ackedMs: number[];
  readonly publishedMs: number[];
  /** The warm-up's ops: how many, and the latencies of those whose event came (not in latenciesMs). */
  readonly warmupOps: number;
  readonly warmupLatenciesMs: number[];
  readonly warmupLost: number;
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
  const acked = new Map<string, number>();
  const published = new Map<string, number>();
  // Record timestamps are wall-clock ms; this maps them onto performance.now()'s scale.
  const wallToPerf = Date.now() - performance.now();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: eventsTopic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    // kafkajs's auto-commit commits after every partition's batch, in turn, before fetching again:
    // with events on dozens of partitions that is dozens of round trips per fetch, which this
    // consumer added to every measured op (~100 ms at p50 on 2026-12-07). It needs no commits: it
    // starts from offsets it sets, and its group is deleted at the end.
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const m of batch.messages) {
        if (m.value === null) continue;
        const opId = decodePinEvent(m.value).opId;
        if (scheduled.has(opId) && !arrived.has(opId)) {
          arrived.set(opId, now);
          published.set(opId, Number(m.timestamp) - wallToPerf);
        }
      }
      return Promise.resolve();
    },
  });
  await joined;

  const producer = createPinProducer({ config: config.kafka, logger, origin: 'bench' });
  await producer.connect();
  const order: string[] = [];
  const warmupOrder: string[] = [];
  const warmupMs = (options.warmupSeconds ?? 0) * 1000;
  let measuring = warmupMs === 0;
  if (measuring) options.onMeasureStart?.();
  let sendErrors = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  try {
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= warmupMs + options.seconds * 1000) break;
      const due = Math.floor((elapsed / 1000) * options.pinsPerSecond);
      for (; sent < due; sent++) {
        const at = start + (sent / options.pinsPerSecond) * 1000;
        if (!measuring && at - start >= warmupMs) {
          measuring = true;
          options.onMeasureStart?.();
        }
        const intents = pinIntents(options.seed, benchPin(options.seed, options.firstIndex + sent, options.peers), Date.now());
        for (const intent of intents) {
          scheduled.set(intent.opId, at);
          (measuring ? order : warmupOrder).push(intent.opId);
        }
        const p: Promise<void> = producer
          .publishIntents(intents)
          .then(
            () => {
              const t = performance.now();
              for (const intent of intents) acked.set(intent.opId, t);
            },
            () => void sendErrors++,
          )
          .finally(() => pending.delete(p));
        pending.add(p);
      }
      await sleep(1);
    }
    const sendSeconds = (performance.now() - start - warmupMs) / 1000;
    await Promise.all(pending);
    const deadline = performance.now() + (options.settleMs ?? 30_000);
    while (arrived.size < order.length + warmupOrder.length && performance.now() < deadline) await sleep(20);
    const done = order.filter((id) => arrived.has(id));
    const after = (times: Map<string, number>, id: string): number => Math.round(((times.get(id) ?? Number.NaN) - scheduled.get(id)!) * 10) / 10;
    const latenciesMs = done.map((id) => after(arrived, id));
    const warmupLatenciesMs = warmupOrder.filter((id) => arrived.has(id)).map((id) => after(arrived, id));
    return {
      sentPins: sent,
      ops: order.length,
      sendSeconds,
      latenciesMs,
      ackedMs: done.map((id) => after(acked, id)),
      publishedMs: done.map((id) => after(published, id)),
      lost: order.length - latenciesMs.length,
      sendErrors,
      warmupOps: warmupOrder.length,
      warmupLatenciesMs,
      warmupLost: warmupOrder.length - warmupLatenciesMs.length,
    };
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
}
