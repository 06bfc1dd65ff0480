/** Consumer-group lag from the broker's own view: committed offsets vs. high watermarks. */
import type { Admin } from 'kafkajs';
import { PinstateError } from '../errors.js';
import { topicOffsets } from './offsets.js';
import { sleep } from '../sleep.js';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly committed: bigint;
  readonly end: bigint;
  readonly lag: bigint;
}

export async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const out: PartitionLag[] = [];
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const topic of topics) {
    const ends = await topicOffsets(admin, topic);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const p of ends) {
      const c = mine.find((x) => x.partition === p.partition);
      const done = c && c.offset !== '-1' ? BigInt(c.offset) : BigInt(p.low);
      const end = BigInt(p.high);
      out.push({ topic, partition: p.partition, committed: done, end, lag: end > done ? end - done : 0n });
    }
  }
  return out;
}

/** Resolves once the group has committed everything currently in `topics`. */
export async function waitForGroupCaughtUp(admin: Admin, groupId: string, topics: readonly string[], timeoutMs: number, pollMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await groupLag(admin, groupId, topics);
    const behind = lag.reduce((n, p) => n + p.lag, 0n);
    if (behind === 0n) return;
    if (Date.now() > deadline) throw new PinstateError('INTERNAL', `group ${groupId} still ${behind} messages behind after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
