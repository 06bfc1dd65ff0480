/**
 * Command-line values → typed input, failing with a ValidationError that names the option
 * (`--rf-min: expected an integer, got "x"`), so main exits 2. Pure.
 */
import { parseDuration } from '../config/duration.js';
import { parseInteger } from '../config/integer.js';
import { parsePlacementState, type PlacementState } from '../domain/placement-state.js';
import { PinstateError, ValidationError } from '../errors.js';

/** Commander's collector for repeatable options (`--tag a --tag b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export { parseInteger };

/** `--meta k=v` (repeatable) → an object; the key is everything before the first "=". */
export function parseMeta(pairs: readonly string[] | undefined, flag = '--meta'): Record<string, string> | undefined {
  if (pairs === undefined || pairs.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new ValidationError('INVALID_FIELD', flag, `expected key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    if (Object.hasOwn(out, key)) throw new ValidationError('INVALID_FIELD', flag, `key ${JSON.stringify(key)} given twice`);
    Object.defineProperty(out, key, { value: pair.slice(at + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A Go-style duration (`30s`, `1m`, `24h`) in ms, naming the option on error. */
export function parseDurationFlag(value: string, flag: string, options: { min?: number } = {}): number {
  let ms: number;
  try {
    if (/^\d+(\.\d+)?$/.test(value.trim())) throw new Error('no unit');
    ms = parseDuration(value.trim(), flag);
  } catch {
    throw new ValidationError('INVALID_FIELD', flag, `expected a duration such as "30s", "1m" or "24h", got ${JSON.stringify(value)}`);
  }
  if (ms < (options.min ?? 0)) throw new ValidationError('INVALID_FIELD', flag, `must be at least ${options.min ?? 0} ms, got ${JSON.stringify(value)}`);
  return ms;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `--expire-at`: an RFC 3339 time, or a duration from `now` (`24h`). Unix ms. */
export function parseExpireAt(value: string | undefined, now: number, flag = '--expire-at'): number | undefined {
  if (value === undefined) return undefined;
  if (RFC3339.test(value.trim())) {
    const ms = Date.parse(value.trim());
    if (Number.isNaN(ms)) throw new ValidationError('INVALID_FIELD', flag, `not a valid time: ${JSON.stringify(value)}`);
    if (ms <= now) throw new ValidationError('INVALID_FIELD', flag, `${value} is in the past`);
    return ms;
  }
  let ms: number;
  try {
    ms = parseDuration(value.trim(), flag);
  } catch {
    throw new ValidationError('INVALID_FIELD', flag, `expected an RFC 3339 time ("2030-01-02T15:04:05Z") or a duration from now ("24h"), got ${JSON.stringify(value)}`);
  }
  if (ms <= 0) throw new ValidationError('INVALID_FIELD', flag, 'the duration must be greater than 0');
  return now + ms;
}

export function parseStateFlag(value: string | undefined, flag = '--state'): PlacementState | undefined {
  return value === undefined ? undefined : parsePlacementState(value, flag);
}

/**
 * Runs `fn`; a PinstateError naming one of `fields` comes out naming the matching option instead
 * (`replicationFactorMin` → `--rf-min`), so the message says what to change on the command line.
 */
export function withFlagNames<T>(fields: Readonly<Record<string, string>>, fn: () => T): T {
  try {
    return fn();
  } catch (err: unknown) {
    if (err instanceof PinstateError && err.field !== undefined) {
      const head = /^[A-Za-z]+/.exec(err.field)?.[0] ?? '';
      const flag = fields[head];
      if (flag !== undefined) {
        const inner = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
        throw new ValidationError(err.code, flag, inner, { cause: err });
      }
    }
    throw err;
  }
}
