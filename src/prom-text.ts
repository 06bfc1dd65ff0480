/**
 * The one reader of the Prometheus text exposition format (what /metrics serves), for `pinstate
 * top` and the benchmark: samples, sums, histogram buckets and one quantile rule (PromQL's
 * histogram_quantile). Pure, apart from scrapePromText.
 */
import { PinstateError } from './errors.js';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** A sample value or bucket bound as Prometheus writes it (`+Inf`, `-Inf`, a number). */
export function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Every sample line; comments, blank and malformed lines are skipped. */
export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const value = parseValue(m[4]!);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    const body = m[3];
    if (body !== undefined && body !== '') {
      LABEL.lastIndex = 0;
      let l: RegExpExecArray | null;
      while (LABEL.lastIndex < body.length && (l = LABEL.exec(body)) !== null) labels[l[1]!] = unescape(l[2]!);
    }
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Sum of the samples of `name` whose labels include `match`. */
export function sum(samples: readonly Sample[], name: string, match: Readonly<Record<string, string>> = {}): number {
  let total = 0;
  for (const s of samples) if (s.name === name && matches(s.labels, match)) total += s.value;
  return total;
}

export function matches(labels: Readonly<Record<string, string>>, match: Readonly<Record<string, string>>): boolean {
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** Sums of `name` grouped by one label. */
export function sumBy(samples: readonly Sample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** Cumulative histogram buckets of `name` (summed over other labels), sorted by upper bound. */
export function buckets(samples: readonly Sample[], name: string, match: Readonly<Record<string, string>> = {}): Array<{ le: number; count: number }> {
  const byLe = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !matches(s.labels, match)) continue;
    const le = parseValue(s.labels['le'] ?? 'NaN');
    if (Number.isNaN(le)) continue;
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/**
 * The q-quantile of cumulative buckets, interpolated linearly inside the bucket (as PromQL's
 * histogram_quantile does). Undefined when there are no observations.
 */
export function quantile(q: number, cumulative: ReadonlyArray<{ le: number; count: number }>): number | undefined {
  const total = cumulative.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const { le, count } of cumulative) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      if (count === prevCount) return le;
      return prevLe + (le - prevLe) * ((rank - prevCount) / (count - prevCount));
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Bucket counts of `now` minus those of `before` (the observations between two scrapes). */
export function bucketDelta(
  now: ReadonlyArray<{ le: number; count: number }>,
  before: ReadonlyArray<{ le: number; count: number }>,
): Array<{ le: number; count: number }> {
  const old = new Map(before.map((b) => [b.le, b.count]));
  return now.map((b) => ({ le: b.le, count: Math.max(0, b.count - (old.get(b.le) ?? 0)) }));
}

/** GETs `url` (a /metrics endpoint) and parses it; a PinstateError when it cannot be read. */
export async function scrapePromText(url: string, timeoutMs = 5_000): Promise<Sample[]> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err: unknown) {
    throw new PinstateError('INTERNAL', `cannot read ${url}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) throw new PinstateError('INTERNAL', `${url} answered ${res.status}`);
  return parsePromText(await res.text());
}
