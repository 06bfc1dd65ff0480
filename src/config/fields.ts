/**
 * Leaf schemas every config block uses, each carrying the "expected …" text its error names: one
 * duration rule and one integer rule for the whole file format (schema.ts and each block's own
 * file).
 */
import { z } from 'zod';
import { formatDuration, tryParseDuration } from './duration.js';

/** Node timers fire at once (with a warning) past 2^31-1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2_147_483_647;

export function int(min: number, max: number = Number.MAX_SAFE_INTEGER): z.ZodInt {
  const error = max === Number.MAX_SAFE_INTEGER ? `expected an integer >= ${min}` : `expected an integer from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

export interface DurationBounds {
  /** Smallest allowed value in ms; default 0. */
  readonly minMs?: number;
  /** Reject 0 (timeouts and intervals). */
  readonly positive?: boolean;
  /** Accept 0 ("off") below minMs. */
  readonly allowZero?: boolean;
  /** Largest allowed value in ms; default MAX_TIMER_MS (the value feeds a Node timer). */
  readonly maxMs?: number;
  /** Must be a whole number of seconds (CQL TTLs). */
  readonly wholeSeconds?: boolean;
}

/** A Go-style duration string or a number of milliseconds → milliseconds. */
export function duration(bounds: DurationBounds = {}): z.ZodPipe<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>, z.ZodTransform<number, string | number>> {
  const { minMs = 0, positive = false, allowZero = false, maxMs = MAX_TIMER_MS, wholeSeconds = false } = bounds;
  return z.union([z.string(), z.number()], { error: 'expected a duration string such as "30s" or a number of milliseconds' }).transform((value, ctx): number => {
    const parsed = tryParseDuration(value);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    const got = `got ${JSON.stringify(value)}`;
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message: `${message}, ${got}` });
      return z.NEVER;
    };
    if (allowZero && parsed.ms === 0) return 0;
    if (positive && parsed.ms === 0) return fail('must be greater than 0');
    if (parsed.ms < minMs) return fail(`must be at least ${formatDuration(minMs)}${allowZero ? ' (or 0 for off)' : ''}`);
    if (parsed.ms > maxMs) return fail(`must be at most ${formatDuration(maxMs)}`);
    if (wholeSeconds && parsed.ms % 1000 !== 0) return fail('must be a whole number of seconds');
    return parsed.ms;
  });
}
