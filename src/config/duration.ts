/**
 * Go-style durations (`time.ParseDuration`): the seed's config writes `"100ms"`, `"12s"`,
 * `"168h"`, so pinstate reads the same text. The compiled config holds plain milliseconds.
 */
import { ConfigError } from '../errors.js';

/** Nanoseconds per unit. Go accepts both the micro sign (U+00B5) and the Greek mu (U+03BC). */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** Go's limit: a time.Duration is an int64 count of nanoseconds (about 292 years). */
const MAX_NS = 2n ** 63n - 1n;

const NS_PER_MS = 1_000_000n;

/** One `<number><unit>` component: digits with an optional fraction (`1.5`, `.5`, `1.`), then a unit. */
const COMPONENT = /^(\d*)(?:\.(\d*))?([a-zA-Z\u00b5\u03bc]+)/;

const EXPECTED = 'expected a duration such as "300ms", "1.5s" or "2m30s" (units ns, us, ms, s, m, h) or a number of milliseconds';

export type DurationParse = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

/**
 * Parses a duration without throwing; the config schema uses this to report problems as issues.
 * A string is Go duration text; a number is milliseconds. Negative durations are rejected.
 */
export function tryParseDuration(value: unknown): DurationParse {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: `${EXPECTED}, got ${String(value)}` };
    if (value < 0) return { ok: false, reason: `must not be negative, got ${value}` };
    return { ok: true, ms: value };
  }
  if (typeof value !== 'string') return { ok: false, reason: `${EXPECTED}, got ${describeType(value)}` };
  const got = JSON.stringify(value);
  let rest = value;
  if (rest.startsWith('-')) return { ok: false, reason: `must not be negative, got ${got}` };
  if (rest.startsWith('+')) rest = rest.slice(1);
  // Go special-cases a bare "0"; any other unitless number is an error there too.
  if (rest === '0') return { ok: true, ms: 0 };
  if (rest === '') return { ok: false, reason: `${EXPECTED}, got ${got}` };
  if (/^\d*\.?\d*$/.test(rest)) {
    return { ok: false, reason: `missing unit in ${got} (write e.g. "${rest}ms"; only a JSON number means milliseconds)` };
  }
  let totalNs = 0n;
  while (rest !== '') {
    const match = COMPONENT.exec(rest);
    if (match === null) return { ok: false, reason: `${EXPECTED}, got ${got}` };
    const [whole, intDigits = '', fracDigits, unit = ''] = match;
    if (intDigits === '' && (fracDigits === undefined || fracDigits === '')) return { ok: false, reason: `${EXPECTED}, got ${got}` };
    const unitNs = UNIT_NS.get(unit);
    if (unitNs === undefined) return { ok: false, reason: `unknown unit "${unit}" in ${got} (units: ns, us, ms, s, m, h)` };
    let ns = BigInt(intDigits === '' ? '0' : intDigits) * unitNs;
    if (fracDigits !== undefined && fracDigits !== '') {
      // Truncates below one nanosecond, as Go does.
      ns += (BigInt(fracDigits) * unitNs) / 10n ** BigInt(fracDigits.length);
    }
    totalNs += ns;
    if (totalNs > MAX_NS) return { ok: false, reason: `out of range (over 2562047h), got ${got}` };
    rest = rest.slice(whole.length);
  }
  // Whole milliseconds stay exact; the sub-millisecond remainder becomes a fraction.
  const wholeMs = totalNs / NS_PER_MS;
  const remainderNs = totalNs % NS_PER_MS;
  return { ok: true, ms: Number(wholeMs) + Number(remainderNs) / 1e6 };
}

/**
 * Go-style duration text (`"300ms"`, `"1.5s"`, `"2m30s"`, `"168h"`, `"0"`) or a plain
 * non-negative number of milliseconds → milliseconds (fractional below 1 ms).
 *
 * @param key the config key (or environment variable) the value came from, named in the error.
 * @throws ConfigError naming `key` when the value is not a non-negative duration.
 */
export function parseDuration(text: string | number, key: string): number {
  const parsed = tryParseDuration(text);
  if (!parsed.ok) throw new ConfigError(key, parsed.reason);
  return parsed.ms;
}

/**
 * Milliseconds → the shortest Go-style text that reads back to the same value
 * (`"0s"`, `"300ms"`, `"1.5s"`, `"2m30s"`, `"168h0m0s"` is written `"168h"`). For messages and docs.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms === 0) return '0s';
  if (ms < 1) return `${trimFloat(ms * 1000)}us`;
  if (ms < 1000) return `${trimFloat(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (minutes > 0) out += `${minutes}m`;
  if (seconds > 0) out += `${trimFloat(seconds)}s`;
  return out;
}

function trimFloat(n: number): string {
  return String(Number(n.toFixed(6)));
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
