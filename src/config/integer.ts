/** Integers given as text (CLI flags, bench options): parsed strictly, with an error naming the field. */
import { ValidationError } from '../errors.js';

/** `value` as an integer ≥ `min`, or undefined when absent; anything else is a ValidationError naming `flag`. */
export function parseInteger(value: string | undefined, flag: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(value.trim())) throw new ValidationError('INVALID_FIELD', flag, `expected an integer, got ${JSON.stringify(value)}`);
  const n = Number(value.trim());
  if (n < min) throw new ValidationError('INVALID_FIELD', flag, `must be at least ${min}, got ${n}`);
  return n;
}
