/**
 * The writer's own histograms (pinstate_writer_apply_seconds, …_publish_seconds,
 * …_commit_seconds, …_batch_ops) from its /metrics text, so the run log says where a batch's
 * time went. Pure apart from scrape().
 */

export interface HistogramSnapshot {
  readonly sum: number;
  readonly count: number;
  /** Cumulative counts by upper bound ("+Inf" last). */
  readonly buckets: ReadonlyArray<readonly [string, number]>;
}

export const WRITER_HISTOGRAMS = ['pinstate_writer_apply_seconds', 'pinstate_writer_publish_seconds', 'pinstate_writer_commit_seconds', 'pinstate_writer_batch_ops'] as const;

/** The named histograms found in Prometheus text (unlabelled series). */
export function parseHistograms(text: string, names: readonly string[] = WRITER_HISTOGRAMS): Record<string, HistogramSnapshot> {
  const out: Record<string, { sum: number; count: number; buckets: Array<[string, number]> }> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-z_]+?)(_bucket\{le="([^"]+)"\}|_sum|_count) (\S+)$/.exec(line.trim());
    if (!m || !names.includes(m[1]!)) continue;
    const h = (out[m[1]!] ??= { sum: 0, count: 0, buckets: [] });
    const v = Number(m[4]);
    if (m[2] === '_sum') h.sum = v;
    else if (m[2] === '_count') h.count = v;
    else h.buckets.push([m[3]!, v]);
  }
  return out;
}

/** b − a, histogram by histogram (the activity between two scrapes). */
export function diffHistograms(a: Record<string, HistogramSnapshot>, b: Record<string, HistogramSnapshot>): Record<string, HistogramSnapshot> {
  const out: Record<string, HistogramSnapshot> = {};
  for (const [name, hb] of Object.entries(b)) {
    const ha = a[name];
    out[name] = {
      sum: hb.sum - (ha?.sum ?? 0),
      count: hb.count - (ha?.count ?? 0),
      buckets: hb.buckets.map(([le, n]) => [le, n - (ha?.buckets.find(([l]) => l === le)?.[1] ?? 0)] as const),
    };
  }
  return out;
}

/** The smallest bucket bound holding at least p% of observations (an upper estimate). */
export function histogramPercentile(h: HistogramSnapshot, p: number): number {
  const want = (p / 100) * h.count;
  for (const [le, n] of h.buckets) if (n >= want && h.count > 0) return le === '+Inf' ? Infinity : Number(le);
  return NaN;
}

export async function scrape(url: string): Promise<Record<string, HistogramSnapshot>> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return parseHistograms(await res.text());
}
