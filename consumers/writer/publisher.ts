/**
 * Group commit for the writer's outputs and offset commits: the one bounded send queue
 * (src/kafka/send-queue.ts) without linger, bounded in items and bytes.
 *
 * A call made while a send is in flight waits and goes out with the others queued by then, in
 * one request. Every caller settles with the outcome of the sends that carried its items. The
 * idempotent producer sends one request at a time anyway, so without this the partitions'
 * publishes queued behind each other one request each.
 */
import { groupByTopic as groupRecords } from '../../src/kafka/group-by-topic.js';
import { createSendQueue } from '../../src/kafka/send-queue.js';
import type { OutMessage, TopicMessages } from './outputs.js';

export interface CoalescingLimits<T> {
  readonly maxItems: number;
  /** Unbounded when omitted. */
  readonly maxBytes?: number;
  readonly sizeOf?: (item: T) => number;
}

/** Items one coalesced send may carry by default (bounds a produce request to a few MB). */
export const MAX_COALESCED_ITEMS = 20_000;

/** A send function whose calls go through one no-linger send queue with these limits. */
export function coalescing<T>(send: (items: T[]) => Promise<void>, limitsOrMaxItems: CoalescingLimits<T> | number = MAX_COALESCED_ITEMS): (items: T[]) => Promise<void> {
  const limits: CoalescingLimits<T> = typeof limitsOrMaxItems === 'number' ? { maxItems: limitsOrMaxItems } : limitsOrMaxItems;
  const queue = createSendQueue<T>({
    send: (items) => send([...items]),
    sizeOf: limits.sizeOf ?? (() => 0),
    lingerMs: null,
    maxBatch: limits.maxItems,
    maxBatchBytes: limits.maxBytes ?? Number.POSITIVE_INFINITY,
  });
  return (items) => queue.enqueue(items);
}

/** One output message with its topic: the unit the output coalescer packs. */
export interface TopicMessage {
  readonly topic: string;
  readonly message: OutMessage;
}

/** Per-record overhead in a v2 record batch (length, attributes, deltas, varints) plus a margin. */
const RECORD_OVERHEAD = 64;

/** Estimated bytes of one record on the wire. */
export function messageBytes(m: TopicMessage): number {
  const { key, value, headers } = m.message;
  let n = RECORD_OVERHEAD + (key === null ? 0 : typeof key === 'string' ? Buffer.byteLength(key) : key.length) + (value?.length ?? 0);
  if (headers) for (const [k, v] of Object.entries(headers)) n += 8 + Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

export const flattenTopicMessages = (lists: readonly TopicMessages[]): TopicMessage[] => lists.flatMap((t) => t.messages.map((message) => ({ topic: t.topic, message })));

/** Topic messages grouped by topic (one entry per topic, in first-seen order). */
export function groupByTopic(items: readonly TopicMessage[]): TopicMessages[] {
  return groupRecords(items, (i) => i.topic, (i) => i.message);
}
