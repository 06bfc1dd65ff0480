/**
 * The naive baseline: the backlog drained by the simplest consumer one would write first —
 * kafkajs eachMessage, decode, one awaited store write per op (`store.apply([op])`), no batching,
 * one partition at a time. Every speed-up of the writer is measured against it.
 */
import { decodeMessage } from '../../consumers/writer/decode.js';
import type { PinstateConfig } from '../config/types.js';
import { createKafka } from '../kafka/client.js';
import { groupLag } from '../kafka/lag.js';
import type { Logger } from '../log.js';
import { createStore } from '../store/store.js';

export interface NaiveResult {
  readonly ms: number;
  readonly applied: number;
  readonly failed: number;
  readonly lag: number;
}

export async function runNaive(config: PinstateConfig, logger: Logger, expected: number, timeoutMs: number): Promise<NaiveResult> {
  const store = await createStore({ config: config.scylla, logger });
  const kafka = createKafka({ config: config.kafka, logger, clientId: 'pinstate-bench-naive' });
  const groupId = `${config.kafka.groupId}.naive`;
  const topic = config.kafka.topics.intents;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000 });
  let applied = 0;
  let failed = 0;
  const next = new Map<number, string>();
  let started = 0;
  let finishedAt = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      started = performance.now();
      void consumer.run({
        autoCommit: true,
        eachMessage: async ({ partition, message }) => {
          const d = decodeMessage('intents', { topic, partition, offset: message.offset, value: message.value }, config.kafka.partitions.intents);
          if (d.ok) {
            const r = await store.apply([d.op]);
            if (r.applied === 1) applied++;
            else failed++;
          } else failed++;
          next.set(partition, (BigInt(message.offset) + 1n).toString());
          if (applied + failed >= expected) {
            finishedAt = performance.now();
            resolve();
          }
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the naive consumer applied ${applied} of ${expected} ops in ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
    }
    await consumer.commitOffsets([...next].map(([partition, offset]) => ({ topic, partition, offset })));
  } finally {
    await consumer.disconnect();
    await store.close();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lag = (await groupLag(admin, groupId, [topic])).reduce((n, p) => n + Number(p.lag), 0);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return { ms: finishedAt - started, applied, failed, lag };
  } finally {
    await admin.disconnect();
  }
}
