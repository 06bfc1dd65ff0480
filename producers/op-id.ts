/**
 * op_ids: the identity of an intent. The writer deduplicates on it, so a retried or replayed
 * intent must carry the op_id it was first sent with. New ids are UUIDv7 (RFC 9562): a 48-bit
 * unix-ms timestamp first, so ids sort by creation time and op_dedup rows of one period sit
 * together; within one generator they also increase strictly (RFC 9562 §6.2 method 1, a 12-bit
 * counter in rand_a seeded randomly each millisecond).
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../src/errors.js';
import { WIRE_LIMITS } from '../src/codec/index.js';

/** The canonical UUIDv7 text form (lower-case hex). */
export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface OpIdGeneratorOptions {
  /** Clock in unix ms (tests pin it). Default Date.now. */
  readonly now?: () => number;
  /** Source of random bytes (tests make it deterministic). Default crypto.randomBytes. */
  readonly random?: (size: number) => Uint8Array;
}

/** Returns a fresh UUIDv7 on each call; ids from one generator increase strictly, also if the clock steps back. */
export type OpIdGenerator = () => string;

const COUNTER_MAX = 0xfff;

export function createOpIdGenerator(options: OpIdGeneratorOptions = {}): OpIdGenerator {
  const now = options.now ?? Date.now;
  const random = options.random ?? ((n: number) => randomBytes(n));
  let lastMs = -1;
  let counter = 0;
  return () => {
    const bytes = Uint8Array.from(random(16).subarray(0, 16));
    const ms = Math.max(Math.trunc(now()), 0);
    if (ms > lastMs) {
      lastMs = ms;
      // Seed with the top bit clear so at least 2048 ids fit in one millisecond before borrowing the next.
      counter = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
    } else if (counter < COUNTER_MAX) {
      counter += 1;
    } else {
      // Counter exhausted (or the clock went back): borrow the next millisecond, as RFC 9562 §6.2 allows.
      lastMs += 1;
      counter = 0;
    }
    writeTimestamp(bytes, lastMs);
    bytes[6] = 0x70 | (counter >>> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    return format(bytes);
  };
}

function writeTimestamp(bytes: Uint8Array, ms: number): void {
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
}

function format(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The unix-ms timestamp carried by a UUIDv7, or null if `id` is not one. */
export function uuidV7Time(id: string): number | null {
  if (!UUID_V7_PATTERN.test(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** The process-wide generator behind `newOpId`. */
export const newOpId: OpIdGenerator = createOpIdGenerator();

/**
 * Checks a caller-supplied op_id: a non-empty string of at most WIRE_LIMITS.opIdChars (128)
 * characters; any format (UUIDv7, ULID, a derived `expire:<cid>:<ms>`) is accepted.
 */
export function validateOpId(value: unknown, field = 'opId'): string {
  if (typeof value !== 'string') throw new ValidationError('INVALID_FIELD', field, 'op id must be a string');
  if (value.length === 0) throw new ValidationError('MISSING_FIELD', field, 'op id must not be empty');
  if (value.length > WIRE_LIMITS.opIdChars) throw new ValidationError('OVERSIZED_VALUE', field, `op id longer than ${WIRE_LIMITS.opIdChars} characters`);
  return value;
}
