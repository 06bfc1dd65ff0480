/**
 * The writer's one backoff: exponential with full jitter between min and max (the
 * scylladb.retry_policy delays), and the one sleep it waits with. Every retry loop of the writer
 * (apply, publish, commit, heartbeat) waits through this, so the policy lives in one place.
 */
import { backoffDelayMs } from '../../src/store/session.js';

export interface Backoff {
  /** The delay before retry number `attempt` (0-based). */
  delayMs(attempt: number): number;
  /** Waits delayMs(attempt). */
  wait(attempt: number): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function exponentialBackoff(minMs: number, maxMs: number, wait: (ms: number) => Promise<void> = sleep): Backoff {
  const delayMs = (attempt: number): number => backoffDelayMs(attempt, minMs, maxMs);
  return { delayMs, wait: (attempt) => wait(delayMs(attempt)) };
}
