/**
 * Group commit for the writer's outputs and offset commits, bounded in items and bytes.
 *
 * A call made while a send is in flight waits and goes out with the others queued by then, in
 * one request. Every caller settles with the outcome of the sends that carried its items. The
 * idempotent producer sends one request at a time anyway, so without this the partitions'
 * publishes queued behind each other one request each.
 *
 * A send never carries more than `maxBytes` (estimated) unless a single item is larger on its own:
 * a produce request's record batch must stay under the broker's max.message.bytes, and a
 * coalesced request over it (MESSAGE_TOO_LARGE) would fail every caller in it, forever.
 */
import type { OutMessage, TopicMessages } from './outputs.js';

export interface CoalescingLimits<T> {
  readonly maxItems: number;
  /** Unbounded when omitted. */
  readonly maxBytes?: number;
  readonly sizeOf?: (item: T) => number;
}

/** Items one coalesced send may carry by default (bounds a produce request to a few MB). */
export const MAX_COALESCED_ITEMS = 20_000;

interface Entry<T> {
  readonly items: T[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Callers' lists are packed whole while they fit (so the items of one call go out together, in
 * order); a list that alone exceeds a limit is split into sends that each fit, in order.
 */
export function coalescing<T>(send: (items: T[]) => Promise<void>, limitsOrMaxItems: CoalescingLimits<T> | number = MAX_COALESCED_ITEMS): (items: T[]) => Promise<void> {
  const limits: CoalescingLimits<T> = typeof limitsOrMaxItems === 'number' ? { maxItems: limitsOrMaxItems } : limitsOrMaxItems;
  const { maxItems } = limits;
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const sizeOf = limits.sizeOf ?? (() => 0);
  const queue: Entry<T>[] = [];
  let busy = false;

  /** One oversized list in pieces, each within both limits (a single item over maxBytes goes alone). */
  async function sendSplit(items: T[]): Promise<void> {
    let piece: T[] = [];
    let bytes = 0;
    for (const item of items) {
      const size = sizeOf(item);
      if (piece.length > 0 && (piece.length >= maxItems || bytes + size > maxBytes)) {
        await send(piece);
        piece = [];
        bytes = 0;
      }
      piece.push(item);
      bytes += size;
    }
    if (piece.length > 0) await send(piece);
  }

  const pump = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0) {
      const first = queue.shift()!;
      const take = [first];
      if (first.items.length <= maxItems && first.bytes <= maxBytes) {
        let n = first.items.length;
        let bytes = first.bytes;
        while (queue.length > 0 && n + queue[0]!.items.length <= maxItems && bytes + queue[0]!.bytes <= maxBytes) {
          const next = queue.shift()!;
          take.push(next);
          n += next.items.length;
          bytes += next.bytes;
        }
      }
      try {
        if (take.length === 1 && (first.items.length > maxItems || first.bytes > maxBytes)) await sendSplit(first.items);
        else await send(take.flatMap((e) => e.items));
        for (const e of take) e.resolve();
      } catch (err: unknown) {
        for (const e of take) e.reject(err);
      }
    }
    busy = false;
  };
  return (items) =>
    new Promise<void>((resolve, reject) => {
      let bytes = 0;
      for (const item of items) bytes += sizeOf(item);
      queue.push({ items, bytes, resolve, reject });
      if (!busy) void pump();
    });
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
  const byTopic = new Map<string, OutMessage[]>();
  for (const { topic, message } of items) {
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
