/**
 * The one bounded send queue: turns many small concurrent calls into few large sends, in call
 * order, with a hard bound on what waits in memory. The producer SDK sends its records through it,
 * and the writer its outputs and offset commits (group commit). Pure logic over an injected `send`
 * (no Kafka client here), so it is unit-tested without Kafka.
 *
 * - Batching: items join the open batch; a batch is sent when it holds `maxBatch` items or
 *   `maxBatchBytes` bytes, or `lingerMs` after its first item (`lingerMs: null`: at once). Only one
 *   batch is in flight at a time, so while one is being acknowledged the next one fills up (and
 *   call order is send order); when it settles, the next batch goes at once: it has already waited
 *   a round trip.
 * - Bounds: a call's items stay together in one batch when they fit; a call larger than a batch is
 *   split, in order, into pieces that fit in items AND bytes. Only a single item larger than
 *   `maxBatchBytes` on its own goes out over it, alone: a produce request must stay under the
 *   broker's max.message.bytes, and one over it (MESSAGE_TOO_LARGE) would fail every caller in it.
 * - Outcome: every caller whose items were in a batch settles with that batch's outcome, so a
 *   refused send rejects only the callers it carried.
 * - Backpressure: at most `maxPending` items are queued or in flight. A call that does not fit
 *   waits, in FIFO order (a later call never overtakes a waiting one), until earlier batches settle.
 */
import { PinstateError } from '../errors.js';

/** Sends one batch; resolves once the broker acknowledged every item of it. */
export type BatchSender<T> = (items: readonly T[]) => Promise<void>;

export interface SendQueueOptions<T> {
  readonly send: BatchSender<T>;
  /** Estimated wire bytes of one item (what `maxBatchBytes` bounds). */
  readonly sizeOf: (item: T) => number;
  /**
   * How long the first item of a batch waits for company, ms. Default 2. `null`: no wait, the
   * batch goes as soon as nothing is in flight (group commit: only calls made during a round trip
   * are packed together).
   */
  readonly lingerMs?: number | null;
  /** Items per batch. Default 500. */
  readonly maxBatch?: number;
  /** sizeOf bytes per batch. Default 512 KiB (under the broker's 1 MiB message.max.bytes); Infinity for no byte bound. */
  readonly maxBatchBytes?: number;
  /** Items queued or in flight before callers wait. Default 10 × maxBatch; at least maxBatch. */
  readonly maxPending?: number;
}

export interface SendQueue<T> {
  /**
   * Queues items (kept together in one batch when they fit) and resolves when every one of them
   * was sent; rejects with the error of the first failed batch. Items are queued synchronously
   * when there is room, so calls made one after another keep their order.
   */
  enqueue(items: readonly T[]): Promise<void>;
  /** Sends everything queued now without waiting for the linger time; resolves when it has settled. */
  flush(): Promise<void>;
  /** Flushes, then refuses new items (they reject with ILLEGAL_STATE). */
  close(): Promise<void>;
  /** Items queued or in flight (including admitted ones), for tests and gauges. */
  readonly pending: number;
  /** Calls waiting for room. */
  readonly waiting: number;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Settled promises nobody awaits (every caller of the batch already failed elsewhere) must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface Batch<T> {
  readonly items: T[];
  bytes: number;
  /** No more items may join (full, or a chunk did not fit). */
  sealed: boolean;
  /** The linger time has passed, or a flush asked for it. */
  due: boolean;
  timer: NodeJS.Timeout | undefined;
  readonly done: Deferred;
}

interface Chunk<T> {
  readonly items: readonly T[];
  readonly bytes: number;
}

interface Waiter<T> {
  readonly chunk: Chunk<T>;
  readonly done: Deferred;
}

export function createSendQueue<T>(options: SendQueueOptions<T>): SendQueue<T> {
  const lingerMs = options.lingerMs === undefined ? 2 : options.lingerMs;
  const maxBatch = options.maxBatch ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
  const maxPending = options.maxPending ?? maxBatch * 10;
  if (lingerMs !== null) checkAtLeast('lingerMs', lingerMs, 0);
  checkAtLeast('maxBatch', maxBatch, 1);
  checkAtLeast('maxBatchBytes', maxBatchBytes, 1);
  checkAtLeast('maxPending', maxPending, maxBatch);
  const { send, sizeOf } = options;

  /** Batches in send order; only the last one may be open. */
  const batches: Batch<T>[] = [];
  const waiters: Waiter<T>[] = [];
  /** Items admitted and not yet settled. */
  let reserved = 0;
  let inFlight: Batch<T> | undefined;
  let flushing = 0;
  let closed = false;

  function newBatch(): Batch<T> {
    const batch: Batch<T> = { items: [], bytes: 0, sealed: false, due: flushing > 0 || lingerMs === null, timer: undefined, done: deferred() };
    if (lingerMs !== null) {
      batch.timer = setTimeout(() => {
        batch.timer = undefined;
        batch.due = true;
        pump();
      }, lingerMs);
    }
    batches.push(batch);
    return batch;
  }

  /** Puts an admitted chunk (within both bounds) into the open batch, or a new one if it does not fit. */
  function append(chunk: Chunk<T>): Promise<void> {
    let open = batches[batches.length - 1];
    const fits = open !== undefined && !open.sealed && open.items.length + chunk.items.length <= maxBatch && (open.items.length === 0 || open.bytes + chunk.bytes <= maxBatchBytes);
    if (!fits) {
      if (open !== undefined) open.sealed = true;
      open = newBatch();
    }
    open = open!;
    open.items.push(...chunk.items);
    open.bytes += chunk.bytes;
    if (open.items.length >= maxBatch || open.bytes >= maxBatchBytes) open.sealed = true;
    pump();
    return open.done.promise;
  }

  function admitWaiters(): void {
    while (waiters.length > 0 && reserved + waiters[0]!.chunk.items.length <= maxPending) {
      const w = waiters.shift()!;
      reserved += w.chunk.items.length;
      append(w.chunk).then(w.done.resolve, w.done.reject);
    }
  }

  function pump(): void {
    if (inFlight !== undefined) return;
    const head = batches[0];
    if (head === undefined || !(head.sealed || head.due)) return;
    batches.shift();
    head.sealed = true;
    if (head.timer !== undefined) clearTimeout(head.timer);
    inFlight = head;
    const settle = (): void => {
      inFlight = undefined;
      reserved -= head.items.length;
      admitWaiters();
      // What gathered during the round trip has waited long enough: send it now rather than linger on.
      const next = batches[0];
      if (next !== undefined) next.due = true;
      pump();
    };
    let sent: Promise<void>;
    try {
      sent = send(head.items);
    } catch (err: unknown) {
      sent = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    sent.then(
      () => {
        head.done.resolve();
        settle();
      },
      (err: unknown) => {
        head.done.reject(err);
        settle();
      },
    );
  }

  /** A call's items in order, in pieces that each fit a batch (an item over maxBatchBytes alone). */
  function chunksOf(items: readonly T[]): Chunk<T>[] {
    const chunks: Chunk<T>[] = [];
    let piece: T[] = [];
    let bytes = 0;
    for (const item of items) {
      const size = sizeOf(item);
      if (piece.length > 0 && (piece.length >= maxBatch || bytes + size > maxBatchBytes)) {
        chunks.push({ items: piece, bytes });
        piece = [];
        bytes = 0;
      }
      piece.push(item);
      bytes += size;
    }
    if (piece.length > 0) chunks.push({ items: piece, bytes });
    return chunks;
  }

  function enqueue(items: readonly T[]): Promise<void> {
    if (closed) return Promise.reject(new PinstateError('ILLEGAL_STATE', 'the send queue is closed'));
    if (items.length === 0) return Promise.resolve();
    const outcomes: Promise<void>[] = [];
    for (const chunk of chunksOf(items)) {
      if (waiters.length === 0 && reserved + chunk.items.length <= maxPending) {
        reserved += chunk.items.length;
        outcomes.push(append(chunk));
      } else {
        // Every remaining chunk queues now, so a later call cannot slip between them.
        const done = deferred();
        waiters.push({ chunk, done });
        outcomes.push(done.promise);
      }
    }
    return outcomes.length === 1 ? outcomes[0]! : Promise.all(outcomes).then(() => undefined);
  }

  /** Resolves when everything queued before the call has settled; batches created meanwhile go out without lingering. */
  async function flush(): Promise<void> {
    const last = waiters[waiters.length - 1]?.done.promise ?? batches[batches.length - 1]?.done.promise ?? inFlight?.done.promise;
    if (last === undefined) return;
    flushing += 1;
    try {
      for (const b of batches) b.due = true;
      pump();
      // FIFO: once the newest item has settled, every earlier one has too.
      await last.catch(() => undefined);
    } finally {
      flushing -= 1;
    }
  }

  return {
    enqueue,
    flush,
    async close() {
      closed = true;
      await flush();
    },
    get pending() {
      return reserved;
    },
    get waiting() {
      return waiters.length;
    },
  };
}

/** Infinity passes (an unbounded byte size); NaN and values under `min` do not. */
function checkAtLeast(name: string, value: number, min: number): void {
  if (Number.isNaN(value) || value < min) throw new PinstateError('CONFIG_INVALID', `send queue ${name} must be a number ≥ ${min}, got ${value}`, { field: name });
}
