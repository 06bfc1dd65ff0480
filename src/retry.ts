/**
 * The one bounded retry: exponential backoff with full jitter, a fixed number of retries, and a
 * classification hook that says which errors are worth another attempt. The CQL session
 * (src/store/session.ts) retries its requests with it.
 */
import { sleep as realSleep } from './sleep.js';

/**
 * The delay before retry number `attempt` (0 for the first retry): a uniformly random point
 * between `minMs` and the attempt's cap, `min(maxMs, minMs · 2^attempt)` — "full jitter" above the
 * floor, so the retries of many writers that failed together spread over the whole window instead
 * of arriving together.
 */
export function backoffDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.max(minMs, Math.min(maxMs, minMs * 2 ** attempt));
  return Math.round(minMs + random() * (cap - minMs));
}

export interface RetryOptions {
  /** Retries after the first attempt (0 = try once). */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** True when `err` (from attempt number `attempt`, 0-based) is worth another attempt. */
  readonly shouldRetry: (err: unknown, attempt: number) => boolean;
  /** Called before each backoff (logging, metrics). */
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Stops the waiting between attempts (the pending retry rejects with an AbortError). */
  readonly signal?: AbortSignal;
  /** Injected in tests. */
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `fn` until it succeeds, `shouldRetry` says no, or `retries` retries have failed; then
 * rethrows the last error unchanged.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err: unknown) {
      if (attempt >= options.retries || !options.shouldRetry(err, attempt)) throw err;
      const delayMs = backoffDelayMs(attempt, options.minDelayMs, options.maxDelayMs, options.random);
      options.onRetry?.(err, attempt, delayMs);
      await wait(delayMs, options.signal);
    }
  }
}

/** A backoff schedule for loops that keep their own attempt count (the writer's apply, publish and commit loops). */
export interface Backoff {
  /** The delay before retry number `attempt` (0-based). */
  delayMs(attempt: number): number;
  /** Waits delayMs(attempt). */
  wait(attempt: number): Promise<void>;
}

/** {@link backoffDelayMs} as a {@link Backoff}: the same full-jitter schedule {@link retry} waits by. */
export function exponentialBackoff(minMs: number, maxMs: number, wait: (ms: number) => Promise<void> = realSleep): Backoff {
  const delayMs = (attempt: number): number => backoffDelayMs(attempt, minMs, maxMs);
  return { delayMs, wait: (attempt) => wait(delayMs(attempt)) };
}
