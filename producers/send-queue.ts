/**
 * The producer's send queue: turns many small concurrent calls into few large sends, in call
 * order, with a hard bound on what waits in memory. Pure logic over an injected `send`, so it is
 * unit-tested without Kafka.
 *
 * - Batching: messages join the open batch; a batch is sent when it holds `maxBatch` messages or
 *   `maxBatchBytes` bytes, or `lingerMs` after its first message. Only one batch is in flight at a
 *   time, so while one is being acknowledged the next one fills up (and call order is send order);
 *   when it settles, the next batch goes at once: it has already waited a round trip.
 * - Outcome: every caller whose messages were in a batch settles with that batch's outcome.
 * - Backpressure: at most `maxPending` messages are queued or in flight. A call that does not fit
 *   waits, in FIFO order (a later call never overtakes a waiting one), until earlier batches settle.
 */
import { PinstateError } from '../src/errors.js';

/** One record to send. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
}

/** Sends one batch; resolves once the broker acknowledged every message of it. */
export type BatchSender = (messages: readonly OutgoingMessage[]) => Promise<void>;

export interface SendQueueOptions {
  readonly send: BatchSender;
  /** How long the first message of a batch waits for company, ms. Default 2. */
  readonly lingerMs?: number;
  /** Messages per batch. Default 500. */
  readonly maxBatch?: number;
  /** Key + value bytes per batch (kept under the broker's 1 MiB message.max.bytes). Default 512 KiB. */
  readonly maxBatchBytes?: number;
  /** Messages queued or in flight before callers wait. Default 10 × maxBatch; at least maxBatch. */
  readonly maxPending?: number;
}

export interface SendQueue {
  /**
   * Queues messages (kept together in one batch when they fit) and resolves when every one of them
   * was sent; rejects with the error of the first failed batch. Messages are queued synchronously
   * when there is room, so calls made one after another keep their order.
   */
  enqueue(messages: readonly OutgoingMessage[]): Promise<void>;
  /** Sends everything queued now without waiting for the linger time; resolves when it has settled. */
  flush(): Promise<void>;
  /** Flushes, then refuses new messages (they reject with ILLEGAL_STATE). */
  close(): Promise<void>;
  /** Messages queued or in flight (including admitted ones), for tests and gauges. */
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

interface Batch {
  readonly messages: OutgoingMessage[];
  bytes: number;
  /** No more messages may join (full, or a chunk did not fit). */
  sealed: boolean;
  /** The linger time has passed, or a flush asked for it. */
  due: boolean;
  timer: NodeJS.Timeout | undefined;
  readonly done: Deferred;
}

interface Waiter {
  readonly chunk: readonly OutgoingMessage[];
  readonly done: Deferred;
}

const sizeOf = (m: OutgoingMessage): number => m.value.length + Buffer.byteLength(m.key);

export function createSendQueue(options: SendQueueOptions): SendQueue {
  const lingerMs = options.lingerMs ?? 2;
  const maxBatch = options.maxBatch ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
  const maxPending = options.maxPending ?? maxBatch * 10;
  checkPositive('lingerMs', lingerMs, 0);
  checkPositive('maxBatch', maxBatch, 1);
  checkPositive('maxBatchBytes', maxBatchBytes, 1);
  checkPositive('maxPending', maxPending, maxBatch);
  const send = options.send;

  /** Batches in send order; only the last one may be open. */
  const batches: Batch[] = [];
  const waiters: Waiter[] = [];
  /** Messages admitted and not yet settled. */
  let reserved = 0;
  let inFlight: Batch | undefined;
  let flushing = 0;
  let closed = false;

  function newBatch(): Batch {
    const batch: Batch = { messages: [], bytes: 0, sealed: false, due: flushing > 0, timer: undefined, done: deferred() };
    batch.timer = setTimeout(() => {
      batch.timer = undefined;
      batch.due = true;
      pump();
    }, lingerMs);
    batches.push(batch);
    return batch;
  }

  /** Puts an admitted chunk (≤ maxBatch messages) into the open batch, or a new one if it does not fit. */
  function append(chunk: readonly OutgoingMessage[]): Promise<void> {
    const bytes = chunk.reduce((n, m) => n + sizeOf(m), 0);
    let open = batches[batches.length - 1];
    const fits = open !== undefined && !open.sealed && open.messages.length + chunk.length <= maxBatch && (open.messages.length === 0 || open.bytes + bytes <= maxBatchBytes);
    if (!fits) {
      if (open !== undefined) open.sealed = true;
      open = newBatch();
    }
    open = open!;
    open.messages.push(...chunk);
    open.bytes += bytes;
    if (open.messages.length >= maxBatch || open.bytes >= maxBatchBytes) open.sealed = true;
    pump();
    return open.done.promise;
  }

  function admitWaiters(): void {
    while (waiters.length > 0 && reserved + waiters[0]!.chunk.length <= maxPending) {
      const w = waiters.shift()!;
      reserved += w.chunk.length;
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
      reserved -= head.messages.length;
      admitWaiters();
      // What gathered during the round trip has waited long enough: send it now rather than linger on.
      const next = batches[0];
      if (next !== undefined) next.due = true;
      pump();
    };
    let sent: Promise<void>;
    try {
      sent = send(head.messages);
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

  function enqueue(messages: readonly OutgoingMessage[]): Promise<void> {
    if (closed) return Promise.reject(new PinstateError('ILLEGAL_STATE', 'the producer is closed'));
    if (messages.length === 0) return Promise.resolve();
    const chunks: OutgoingMessage[][] = [];
    for (let i = 0; i < messages.length; i += maxBatch) chunks.push(messages.slice(i, i + maxBatch));
    const outcomes: Promise<void>[] = [];
    for (const chunk of chunks) {
      if (waiters.length === 0 && reserved + chunk.length <= maxPending) {
        reserved += chunk.length;
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

function checkPositive(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) throw new PinstateError('CONFIG_INVALID', `send queue ${name} must be a number ≥ ${min}, got ${value}`, { field: name });
}
