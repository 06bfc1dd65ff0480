/**
 * `PinStatus.created`: microseconds since the epoch, unique per request, printed as RFC 3339 with
 * six fractional digits. The spec pages with `before=<created of the oldest result>`, which only
 * works when no two requests share a `created`; a millisecond clock would let a burst of adds
 * collide, so the clock ticks in microseconds and never repeats within a process. Pure apart from
 * the injected clock.
 */

export const US_PER_MS = 1000;
export const US_PER_HOUR = 3_600_000_000;

/** Returns strictly increasing microsecond times (wall clock, nudged forward on a tie or a step back). */
export function createdClock(nowMs: () => number = Date.now): () => number {
  let last = 0;
  return () => {
    const now = Math.trunc(nowMs()) * US_PER_MS;
    last = now > last ? now : last + 1;
    return last;
  };
}

/** The hour bucket (psa_requests partition) of a created time. */
export function hourOf(createdUs: number): number {
  return Math.floor(createdUs / US_PER_HOUR);
}

/** `2026-12-04T21:10:00.123456Z`. */
export function formatCreated(createdUs: number): string {
  const ms = Math.floor(createdUs / US_PER_MS);
  const micros = String(createdUs - ms * US_PER_MS).padStart(3, '0');
  return new Date(ms).toISOString().replace(/Z$/, `${micros}Z`);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 date-time → microseconds, or undefined when it is not one (digits past the sixth
 * are dropped: a `before` of …123456789Z still excludes …123456Z's request only if it is later).
 */
export function parseCreated(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s === '60' ? '59' : s}${offset}`);
  if (Number.isNaN(ms)) return undefined;
  const micros = Number((frac + '000000').slice(0, 6));
  return ms * US_PER_MS + micros;
}
