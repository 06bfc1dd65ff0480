import { describe, expect, it } from 'vitest';
import type { Want } from '../../../src/agent/decisions.js';
import { WorkQueue, type Job, type JobResult } from '../../../src/agent/work-queue.js';
import { sleep } from '../../../src/sleep.js';

interface Gate {
  readonly job: Job;
  resolve(r: JobResult): void;
}

/** A queue whose jobs wait until the test releases them. */
function gatedQueue(options: { concurrency?: number; capacity?: number; maxRetries?: number } = {}) {
  const running: Gate[] = [];
  const started: Job[] = [];
  const gaveUp: Job[] = [];
  const queue = new WorkQueue({
    concurrency: options.concurrency ?? 2,
    capacity: options.capacity ?? 100,
    maxRetries: options.maxRetries ?? 2,
    backoffMinMs: 5,
    backoffMaxMs: 10,
    random: () => 1,
    run: (job) =>
      new Promise<JobResult>((resolve) => {
        started.push(job);
        running.push({ job, resolve });
      }),
    onGiveUp: (job) => gaveUp.push(job),
  });
  const release = async (cid: string, result: JobResult = { ok: true }): Promise<void> => {
    const i = running.findIndex((g) => g.job.cid === cid);
    if (i < 0) throw new Error(`${cid} is not running`);
    running.splice(i, 1)[0]!.resolve(result);
    await sleep(0);
  };
  return { queue, running, started, gaveUp, release };
}

const tick = (ms = 0) => sleep(ms);
const failed = (retry = true): JobResult => ({ ok: false, retry, error: new Error('kubo said no') });

describe('WorkQueue', () => {
  it('runs at most `concurrency` jobs at once, in arrival order', async () => {
    const q = gatedQueue({ concurrency: 2 });
    for (const cid of ['a', 'b', 'c', 'd']) q.queue.offer(cid, 'pin');
    expect(q.started.map((j) => j.cid)).toEqual(['a', 'b']);
    expect(q.queue.inFlight).toBe(2);
    await q.release('a');
    expect(q.started.map((j) => j.cid)).toEqual(['a', 'b', 'c']);
    await q.release('b');
    await q.release('c');
    await q.release('d');
    expect(q.queue.size).toBe(0);
  });

  it('holds one entry per CID; the newest want replaces a waiting one', async () => {
    const q = gatedQueue({ concurrency: 1 });
    q.queue.offer('a', 'pin');
    expect(q.queue.offer('b', 'pin')).toBe('queued');
    expect(q.queue.offer('b', 'unpin')).toBe('coalesced');
    expect(q.queue.size).toBe(2);
    await q.release('a');
    expect(q.started.map((j) => [j.cid, j.want])).toEqual([
      ['a', 'pin'],
      ['b', 'unpin'],
    ]);
  });

  it('never runs a CID twice at once: a different want for a running CID runs after it', async () => {
    const q = gatedQueue();
    q.queue.offer('a', 'pin');
    expect(q.queue.offer('a', 'unpin')).toBe('coalesced');
    expect(q.queue.wantOf('a')).toBe('unpin');
    expect(q.started).toHaveLength(1);
    await q.release('a');
    expect(q.started.map((j) => j.want)).toEqual<Want[]>(['pin', 'unpin']);
    // The same want again while running is already underway: nothing more.
    q.queue.offer('a', 'unpin');
    await q.release('a');
    expect(q.started).toHaveLength(2);
    expect(q.queue.size).toBe(0);
  });

  it('retries failures after a backoff, up to maxRetries, then gives up', async () => {
    const q = gatedQueue({ maxRetries: 2 });
    q.queue.offer('a', 'pin');
    await q.release('a', failed());
    expect(q.queue.size).toBe(1);
    await tick(30);
    expect(q.started.map((j) => j.attempt)).toEqual([0, 1]);
    await q.release('a', failed());
    await tick(30);
    await q.release('a', failed());
    expect(q.started.map((j) => j.attempt)).toEqual([0, 1, 2]);
    expect(q.gaveUp.map((j) => j.cid)).toEqual(['a']);
    expect(q.queue.size).toBe(0);
  });

  it('does not retry a failure marked not retryable', async () => {
    const q = gatedQueue();
    q.queue.offer('a', 'pin');
    await q.release('a', failed(false));
    expect(q.gaveUp).toHaveLength(1);
    expect(q.queue.size).toBe(0);
  });

  it('is bounded: offer says full, put waits for space', async () => {
    const q = gatedQueue({ concurrency: 1, capacity: 2 });
    q.queue.offer('a', 'pin');
    q.queue.offer('b', 'pin');
    expect(q.queue.offer('c', 'pin')).toBe('full');
    // An existing CID still coalesces when full.
    expect(q.queue.offer('b', 'unpin')).toBe('coalesced');
    let put = false;
    const waiting = q.queue.put('c', 'pin').then((r) => {
      put = true;
      return r;
    });
    await tick();
    expect(put).toBe(false);
    await q.release('a');
    expect(await waiting).toBe('queued');
    expect(q.queue.size).toBe(2);
  });

  it('stop drops waiting entries, waits for running ones up to the drain bound, then aborts them', async () => {
    let aborted = false;
    const queue = new WorkQueue({
      concurrency: 1,
      capacity: 10,
      maxRetries: 0,
      backoffMinMs: 1,
      backoffMaxMs: 1,
      run: (_job, signal) =>
        new Promise<JobResult>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ok: false, retry: false, error: new Error('aborted') });
          });
        }),
    });
    queue.offer('a', 'pin');
    queue.offer('b', 'pin');
    const unfinished = await queue.stop(20);
    expect(aborted).toBe(true);
    expect(unfinished).toBe(2);
    expect(queue.offer('c', 'pin')).toBe('stopped');
  });
});
