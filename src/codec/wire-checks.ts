/**
 * Checks the typed decoders share for envelope fields (op_id, ts, free text). Field names in the
 * errors are the wire names, so a dead-letter reason points at the Avro field.
 */
import { PinstateError, ValidationError } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/** Bounds on envelope fields pinstate accepts from the wire; longer values are rejected, never cut. */
export const WIRE_LIMITS = {
  /** UUIDv7 (36) and ULID (26) fit with room to spare. */
  opIdChars: 128,
  /** A peer id or a role name ("importer", "ttl-sweeper", "api"). */
  originBytes: 256,
  /** A peer's error text on a *_error ack: what the store keeps per placement. */
  /** Peers' error texts can be long; the wire takes up to 4 KiB and the store keeps the first LIMITS.errorBytes. */
  ackErrorBytes: 4096,
} as const;

/** op_id: non-empty, at most WIRE_LIMITS.opIdChars UTF-16 units. */
export function checkOpId(value: string, field = 'op_id'): string {
  if (value.length === 0) throw new ValidationError('MISSING_FIELD', field, 'op_id must not be empty');
  if (value.length > WIRE_LIMITS.opIdChars) throw new ValidationError('OVERSIZED_VALUE', field, `longer than ${WIRE_LIMITS.opIdChars} characters`);
  return value;
}

/** A unix-ms time: a safe, non-negative integer. */
export function checkTimestamp(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ValidationError('INVALID_FIELD', field, 'expected unix milliseconds (a non-negative integer)');
  return value;
}

/** Free text of at most `maxBytes` UTF-8 bytes. */
export function checkText(value: string, field: string, maxBytes: number): string {
  // UTF-8 never takes fewer bytes than UTF-16 units, nor more than 3 per unit: skip the count when it cannot matter.
  if (value.length * 3 > maxBytes && (value.length > maxBytes || Buffer.byteLength(value, 'utf8') > maxBytes)) {
    throw new ValidationError('OVERSIZED_VALUE', field, `longer than ${maxBytes} bytes`);
  }
  return value;
}

/** Checks `value` is one of `allowed` (a wire enum symbol pinstate knows); `UNKNOWN` and others fail with `code`. */
export function checkSymbol<T extends string>(value: string, allowed: ReadonlySet<string>, field: string, code: ErrorCode = 'INVALID_FIELD'): T {
  if (!allowed.has(value)) throw new ValidationError(code, field, `unknown value ${JSON.stringify(value)}; one of ${[...allowed].join(', ')}`);
  return value as T;
}

/**
 * Runs a decoded value's domain mapping. Mapping code throws PinstateError for bad input; anything
 * else (a library surprise on strange but well-formed bytes) still leaves as PinstateError, so
 * decoders never throw anything else.
 */
export function mapDecoded<R, T>(raw: R, family: string, map: (raw: R) => T): T {
  try {
    return map(raw);
  } catch (err: unknown) {
    if (err instanceof PinstateError) throw err;
    throw new PinstateError('UNDECODABLE', `${family} message: ${err instanceof Error ? err.message : String(err)}`, { cause: err, details: { family } });
  }
}
