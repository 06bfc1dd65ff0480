/**
 * The agent's bounded work queue: one entry per CID (the newest want wins), at most `capacity`
 * entries, at most `concurrency` of them running against kubo, failed ones retried after an
 * exponential backoff. The placement reader waits on `put` while the queue is full, so a burst
 * of placements pauses consumption instead of growing the heap.
 *
 * A CID never runs twice at once: a new want for a running CID is kept as its `next` and runs
 * after it, which is what keeps "pin, then unpin at once" in order.
 */
import { backoffDelayMs } from '../retry.js';
import type { Want } from './decisions.js';

export interface Job {
  readonly cid: string;
  readonly want: Want;
  /** 0 for the first try. */
  readonly attempt: number;
  /** Send acks for this job (reconcile's unpins of placements that no longer exist send none). */
  readonly ack: boolean;
}

export type JobResult = { readonly ok: true } | { readonly ok: false; readonly retry: boolean; readonly error: Error };

export interface WorkQueueOptions {
  readonly concurrency: number;
  readonly capacity: number;
  /** Further attempts after a failure. */
  readonly maxRetries: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  readonly run: (job: Job, signal: AbortSignal) => Promise<JobResult>;
  /** A job failed and has no retries left (or was not retryable). */
  readonly onGiveUp?: (job: Job, error: Error) => void;
  /** Called whenever the number of entries changes. */
  readonly onDepth?: (depth: number) => void;
  readonly random?: () => number;
}

type Status = 'ready' | 'delayed' | 'running';

interface Entry {
  cid: string;
  want: Want;
  ack: boolean;
  attempt: number;
  status: Status;
  next: { want: Want; ack: boolean } | undefined;
  timer: NodeJS.Timeout | undefined;
}

export type OfferResult = 'queued' | 'coalesced' | 'full' | 'stopped';

export class WorkQueue {
  private readonly entries = new Map<string, Entry>();
  private ready: string[] = [];
  private readyHead = 0;
  private runningCount = 0;
  private readonly running = new Set<Promise<void>>();
  private spaceWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private stopping = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: WorkQueueOptions) {}

  /** Entries waiting, delayed for a retry, or running. */
  get size(): number {
    return this.entries.size;
  }

  get inFlight(): number {
    return this.runningCount;
  }

  /** stop() was called: offers are refused. */
  get stopped(): boolean {
    return this.stopping;
  }

  has(cid: string): boolean {
    return this.entries.has(cid);
  }

  /** The want the queue holds for a CID (the pending one when a different one is running). */
  wantOf(cid: string): Want | undefined {
    const e = this.entries.get(cid);
    return e === undefined ? undefined : (e.next?.want ?? e.want);
  }

  /** Adds or updates the CID's entry without waiting; 'full' when a new entry does not fit. */
  offer(cid: string, want: Want, ack = true): OfferResult {
    if (this.stopping) return 'stopped';
    const e = this.entries.get(cid);
    if (e === undefined) {
      if (this.entries.size >= this.options.capacity) return 'full';
      this.entries.set(cid, { cid, want, ack, attempt: 0, status: 'ready', next: undefined, timer: undefined });
      this.pushReady(cid);
      this.depthChanged();
      this.pump();
      return 'queued';
    }
    if (e.status === 'running') {
      e.next = want === e.want ? undefined : { want, ack };
      return 'coalesced';
    }
    e.want = want;
    e.ack = ack;
    e.attempt = 0;
    if (e.status === 'delayed') {
      clearTimeout(e.timer);
      e.timer = undefined;
      e.status = 'ready';
      this.pushReady(cid);
      this.pump();
    }
    return 'coalesced';
  }

  /** offer(), waiting for space while the queue is full. Resolves 'stopped' if the queue stops meanwhile. */
  async put(cid: string, want: Want, ack = true): Promise<OfferResult> {
    for (;;) {
      const r = this.offer(cid, want, ack);
      if (r !== 'full') return r;
      await this.whenSpace();
    }
  }

  /** Resolves once an entry has left (or the queue stopped). */
  whenSpace(): Promise<void> {
    if (this.stopping || this.entries.size < this.options.capacity) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Resolves once the queue holds nothing (retries included). */
  whenIdle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts nothing new, drops waiting and delayed entries, waits up to `drainMs` for running ones,
   * then aborts what is still running. Returns how many entries were not finished.
   */
  async stop(drainMs: number): Promise<number> {
    this.stopping = true;
    let dropped = 0;
    for (const e of [...this.entries.values()]) {
      if (e.status !== 'running') {
        clearTimeout(e.timer);
        this.entries.delete(e.cid);
        dropped += 1;
      }
    }
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.all([...this.running]).then(() => true);
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), drainMs)));
    const ok = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    const unfinished = dropped + (ok ? 0 : this.runningCount);
    if (!ok) {
      this.abort.abort();
      await Promise.all([...this.running]);
    }
    this.depthChanged();
    return unfinished;
  }

  private pushReady(cid: string): void {
    this.ready.push(cid);
  }

  private popReady(): string | undefined {
    if (this.readyHead >= this.ready.length) return undefined;
    const cid = this.ready[this.readyHead++];
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    return cid;
  }

  private pump(): void {
    while (!this.stopping && this.runningCount < this.options.concurrency) {
      const cid = this.popReady();
      if (cid === undefined) return;
      const e = this.entries.get(cid);
      // Stale slots: the entry left, or is delayed/running since this slot was pushed.
      if (e === undefined || e.status !== 'ready') continue;
      this.start(e);
    }
  }

  private start(e: Entry): void {
    e.status = 'running';
    this.runningCount += 1;
    const job: Job = { cid: e.cid, want: e.want, attempt: e.attempt, ack: e.ack };
    const p = this.options
      .run(job, this.abort.signal)
      .catch((err: unknown): JobResult => ({ ok: false, retry: true, error: err instanceof Error ? err : new Error(String(err)) }))
      .then((result) => this.finish(e, job, result));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private finish(e: Entry, job: Job, result: JobResult): void {
    this.runningCount -= 1;
    if (e.next !== undefined && !this.stopping) {
      e.want = e.next.want;
      e.ack = e.next.ack;
      e.next = undefined;
      e.attempt = 0;
      e.status = 'ready';
      this.pushReady(e.cid);
    } else if (!result.ok && result.retry && job.attempt < this.options.maxRetries && !this.stopping) {
      e.attempt = job.attempt + 1;
      e.status = 'delayed';
      // attempt counts from 1 here, from 0 in the one backoff rule.
      const delay = backoffDelayMs(e.attempt - 1, this.options.backoffMinMs, this.options.backoffMaxMs, this.options.random);
      e.timer = setTimeout(() => {
        e.timer = undefined;
        if (this.entries.get(e.cid) !== e || e.status !== 'delayed') return;
        e.status = 'ready';
        this.pushReady(e.cid);
        this.pump();
      }, delay);
      e.timer.unref();
    } else {
      this.entries.delete(e.cid);
      if (!result.ok) this.options.onGiveUp?.(job, result.error);
      this.depthChanged();
      this.wake();
    }
    this.pump();
  }

  private depthChanged(): void {
    this.options.onDepth?.(this.entries.size);
  }

  private wake(): void {
    if (this.stopping || this.entries.size < this.options.capacity) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
    if (this.entries.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
