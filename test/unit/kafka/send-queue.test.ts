import { afterEach, describe, expect, it, vi } from 'vitest';
import { outgoingBytes, type OutgoingMessage } from '../../../producers/records.js';
import { createSendQueue as createQueue, type BatchSender as Sender, type SendQueueOptions } from '../../../src/kafka/send-queue.js';
import { PinstateError } from '../../../src/errors.js';
import { sleep } from '../../../src/sleep.js';

// Most cases use the producer's records, sized as the SDK sizes them (key + value bytes).
type BatchSender = Sender<OutgoingMessage>;
const createSendQueue = (o: Omit<SendQueueOptions<OutgoingMessage>, 'sizeOf'>) => createQueue<OutgoingMessage>({ sizeOf: outgoingBytes, ...o });

interface Call {
  readonly keys: string[];
  resolve(): void;
  reject(err: Error): void;
}

/** A sender whose batches settle only when the test says so. */
function controlledSender(): { send: BatchSender; calls: Call[]; inFlight: () => number } {
  const calls: Call[] = [];
  let open = 0;
  const send: BatchSender = (messages) =>
    new Promise<void>((resolve, reject) => {
      open += 1;
      calls.push({
        keys: messages.map((m) => m.key),
        resolve: () => {
          open -= 1;
          resolve();
        },
        reject: (err) => {
          open -= 1;
          reject(err);
        },
      });
    });
  return { send, calls, inFlight: () => open };
}

/** A sender that records each batch's keys and succeeds at once. */
const record =
  (sent: string[][]): BatchSender =>
  (m) => {
    sent.push(m.map((x) => x.key));
    return Promise.resolve();
  };

const msg = (i: number, bytes = 1): OutgoingMessage => ({ topic: 't', key: `k${i}`, value: Buffer.alloc(bytes) });
const keys = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `k${from + i}`);
/** Lets timers (lingerMs 0 is a 1 ms timer) and promise callbacks run. Real timers only. */
const tick = (): Promise<void> => sleep(5);

afterEach(() => {
  vi.useRealTimers();
});

describe('send queue: batching', () => {
  it('sends calls made within the linger time as one batch, in call order, and settles each caller with it', async () => {
    vi.useFakeTimers();
    const { send, calls } = controlledSender();
    const q = createSendQueue({ send, lingerMs: 2 });
    const outcomes = Array.from({ length: 5 }, (_, i) => q.enqueue([msg(i)]));
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.keys).toEqual(keys(0, 5));
    let settled = 0;
    for (const o of outcomes) void o.then(() => (settled += 1));
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toBe(0);
    calls[0]!.resolve();
    await Promise.all(outcomes);
    expect(q.pending).toBe(0);
  });

  it('sends a full batch at once, without waiting for the linger time', async () => {
    vi.useFakeTimers();
    const { send, calls } = controlledSender();
    const q = createSendQueue({ send, lingerMs: 10_000, maxBatch: 3 });
    for (let i = 0; i < 3; i++) void q.enqueue([msg(i)]);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c.keys)).toEqual([keys(0, 3)]);
    calls[0]!.resolve();
  });

  it('keeps one batch in flight; the next one fills up meanwhile, up to maxBatch', async () => {
    const { send, calls, inFlight } = controlledSender();
    const q = createSendQueue({ send, lingerMs: 0, maxBatch: 4 });
    const all: Promise<void>[] = [];
    all.push(q.enqueue([msg(0)]));
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([['k0']]);
    for (let i = 1; i <= 9; i++) all.push(q.enqueue([msg(i)]));
    await tick();
    expect(inFlight()).toBe(1);
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([['k0'], keys(1, 5)]);
    calls[1]!.resolve();
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([['k0'], keys(1, 5), keys(5, 9)]);
    calls[2]!.resolve();
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([['k0'], keys(1, 5), keys(5, 9), ['k9']]);
    calls[3]!.resolve();
    await Promise.all(all);
  });

  it('cuts batches at maxBatchBytes', async () => {
    const sent: string[][] = [];
    const q = createSendQueue({ send: record(sent), lingerMs: 0, maxBatchBytes: 250 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => q.enqueue([msg(i, 100)])));
    // key (2 bytes) + value (100) per message: two fit in 250 bytes, a third does not.
    expect(sent).toEqual([['k0', 'k1'], ['k2', 'k3'], ['k4']]);
  });

  it('splits one large call across batches and resolves it when all of them were sent', async () => {
    const sent: string[][] = [];
    const q = createSendQueue({ send: record(sent), lingerMs: 0, maxBatch: 500 });
    await q.enqueue(Array.from({ length: 1200 }, (_, i) => msg(i)));
    expect(sent.map((b) => b.length)).toEqual([500, 500, 200]);
    expect(sent.flat()).toEqual(keys(0, 1200));
  });

  it('splits one call over maxBatchBytes into in-order batches that each fit; a single oversized item goes alone', async () => {
    const sent: string[][] = [];
    const q = createSendQueue({ send: record(sent), lingerMs: 0, maxBatchBytes: 250 });
    await q.enqueue([msg(0, 100), msg(1, 100), msg(2, 100), msg(3, 1000), msg(4, 10)]);
    expect(sent).toEqual([['k0', 'k1'], ['k2'], ['k3'], ['k4']]);
  });

  it('lingerMs null: the first call goes at once, calls made during its round trip go together', async () => {
    const { send, calls } = controlledSender();
    const q = createSendQueue({ send, lingerMs: null, maxBatch: 3 });
    const all = [q.enqueue([msg(0)]), q.enqueue([msg(1), msg(2)]), q.enqueue([msg(3), msg(4)]), q.enqueue([msg(5)])];
    expect(calls.map((c) => c.keys)).toEqual([['k0']]);
    calls[0]!.resolve();
    await tick();
    calls[1]!.resolve();
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([['k0'], ['k1', 'k2'], ['k3', 'k4', 'k5']]);
    calls[2]!.resolve();
    await Promise.all(all);
  });

  it('keeps a call in one batch when it fits, starting a new batch rather than splitting it', async () => {
    const sent: string[][] = [];
    const q = createSendQueue({ send: record(sent), lingerMs: 0, maxBatch: 4 });
    await Promise.all([q.enqueue([msg(0), msg(1), msg(2)]), q.enqueue([msg(3), msg(4)])]);
    expect(sent).toEqual([['k0', 'k1', 'k2'], ['k3', 'k4']]);
  });
});

describe('send queue: failures', () => {
  it('rejects every caller of a failed batch with its error and goes on with the next batch', async () => {
    const { send, calls } = controlledSender();
    const q = createSendQueue({ send, lingerMs: 0, maxBatch: 2 });
    const a = q.enqueue([msg(0)]);
    const b = q.enqueue([msg(1)]);
    const c = q.enqueue([msg(2)]);
    await tick();
    const boom = new Error('broker down');
    calls[0]!.reject(boom);
    await expect(a).rejects.toBe(boom);
    await expect(b).rejects.toBe(boom);
    await tick();
    expect(calls[1]!.keys).toEqual(['k2']);
    calls[1]!.resolve();
    await expect(c).resolves.toBeUndefined();
    expect(q.pending).toBe(0);
  });

  it('turns a sender that throws synchronously into a rejected batch', async () => {
    const q = createSendQueue({
      send: () => {
        throw new Error('sync');
      },
      lingerMs: 0,
    });
    await expect(q.enqueue([msg(0)])).rejects.toThrow('sync');
    expect(q.pending).toBe(0);
  });
});

describe('send queue: backpressure', () => {
  it('makes callers wait when maxPending messages are queued, and admits them in call order', async () => {
    const { send, calls } = controlledSender();
    const q = createSendQueue({ send, lingerMs: 0, maxBatch: 5, maxPending: 10 });
    const all: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) all.push(q.enqueue([msg(i)]));
    expect(q.pending).toBe(10);
    expect(q.waiting).toBe(0);
    // Over the bound: these wait, and a later small call does not overtake an earlier big one.
    all.push(q.enqueue([msg(10), msg(11), msg(12)]));
    all.push(q.enqueue([msg(13)]));
    expect(q.waiting).toBe(2);
    expect(q.pending).toBe(10);
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([keys(0, 5)]);
    calls[0]!.resolve();
    await tick();
    // 5 settled: the 3-message call fits (8), the 1-message one too (9), both in FIFO order.
    expect(q.waiting).toBe(0);
    expect(q.pending).toBe(9);
    expect(calls.map((c) => c.keys)).toEqual([keys(0, 5), keys(5, 10)]);
    calls[1]!.resolve();
    await tick();
    expect(calls.map((c) => c.keys)).toEqual([keys(0, 5), keys(5, 10), keys(10, 14)]);
    calls[2]!.resolve();
    await Promise.all(all);
    expect(q.pending).toBe(0);
  });

  it('never holds more than maxPending messages, however many callers push', async () => {
    let maxSeen = 0;
    const q = createSendQueue({
      send: async (m) => {
        maxSeen = Math.max(maxSeen, q.pending);
        expect(m.length).toBeLessThanOrEqual(50);
        await sleep(1);
      },
      lingerMs: 1,
      maxBatch: 50,
      maxPending: 120,
    });
    const order: string[] = [];
    const callers = Array.from({ length: 20 }, (_, c) =>
      (async () => {
        for (let i = 0; i < 25; i++) {
          const m = msg(c * 100 + i);
          await q.enqueue([m]);
          order.push(m.key);
          expect(q.pending).toBeLessThanOrEqual(120);
        }
      })(),
    );
    const burst = Array.from({ length: 400 }, (_, i) => q.enqueue([msg(10_000 + i)]));
    expect(q.pending).toBeLessThanOrEqual(120);
    await Promise.all([...callers, ...burst]);
    expect(maxSeen).toBeLessThanOrEqual(120);
    expect(order).toHaveLength(500);
    expect(q.pending).toBe(0);
  });
});

describe('send queue: flush and close', () => {
  it('flush sends without lingering and resolves once what was queued has settled', async () => {
    vi.useFakeTimers();
    const sent: string[][] = [];
    const q = createSendQueue({ send: record(sent), lingerMs: 60_000 });
    const a = q.enqueue([msg(0)]);
    await q.flush();
    expect(sent).toEqual([['k0']]);
    await a;
    await q.flush();
  });

  it('close flushes, then rejects new calls with ILLEGAL_STATE', async () => {
    const sent: string[] = [];
    const q = createSendQueue({ send: (m) => {
        sent.push(...m.map((x) => x.key));
        return Promise.resolve();
      }, lingerMs: 1000 });
    const a = q.enqueue([msg(0)]);
    await q.close();
    await a;
    expect(sent).toEqual(['k0']);
    await expect(q.enqueue([msg(1)])).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
  });

  it('rejects nonsensical options', () => {
    const send: BatchSender = () => Promise.resolve();
    expect(() => createSendQueue({ send, maxBatch: 0 })).toThrow(PinstateError);
    expect(() => createSendQueue({ send, lingerMs: -1 })).toThrow(PinstateError);
    expect(() => createSendQueue({ send, maxBatch: 10, maxPending: 5 })).toThrow(/maxPending/);
  });
});
