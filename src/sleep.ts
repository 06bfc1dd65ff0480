/** The one `sleep`: a promise that resolves after `ms` (rejects with an AbortError if `signal` aborts first). */
import { setTimeout as wait } from 'node:timers/promises';

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, signal === undefined ? undefined : { signal });
}
