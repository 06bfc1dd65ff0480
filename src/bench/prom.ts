/**
 * The writer's own histograms (pinstate_writer_apply_seconds, …_publish_seconds,
 * …_commit_seconds, …_batch_ops, …_fetch_age_seconds) from its /metrics text, so the run log says where a batch's
 * time went. Pure apart from scrape(); the text itself is read by src/prom-text.ts, and
 * quantiles of these buckets use its quantile().
 */
import { parsePromText, scrapePromText, type Sample } from '../prom-text.js';

export interface HistogramSnapshot {
  readonly sum: number;
  readonly count: number;
  /** Cumulative counts by upper bound ("+Inf" last). */
  readonly buckets: ReadonlyArray<readonly [string, number]>;
}

export const WRITER_HISTOGRAMS = ['pinstate_writer_apply_seconds', 'pinstate_writer_publish_seconds', 'pinstate_writer_commit_seconds', 'pinstate_writer_batch_ops', 'pinstate_writer_fetch_age_seconds'] as const;

/** The named histograms found in Prometheus text (unlabelled series), read by src/prom-text.ts. */
export function parseHistograms(text: string, names: readonly string[] = WRITER_HISTOGRAMS): Record<string, HistogramSnapshot> {
  return histogramsOf(parsePromText(text), names);
}

function histogramsOf(samples: readonly Sample[], names: readonly string[]): Record<string, HistogramSnapshot> {
  const out: Record<string, { sum: number; count: number; buckets: Array<[string, number]> }> = {};
  for (const s of samples) {
    const m = /^(.+)_(bucket|sum|count)$/.exec(s.name);
    if (m === null || !names.includes(m[1]!)) continue;
    const labels = Object.keys(s.labels);
    const bucket = m[2] === 'bucket';
    if (labels.length !== (bucket ? 1 : 0) || (bucket && s.labels['le'] === undefined)) continue;
    const h = (out[m[1]!] ??= { sum: 0, count: 0, buckets: [] });
    if (m[2] === 'sum') h.sum = s.value;
    else if (m[2] === 'count') h.count = s.value;
    else h.buckets.push([s.labels['le']!, s.value]);
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

/** The writer histograms of the instance at `url` (its /metrics). */
export async function scrape(url: string): Promise<Record<string, HistogramSnapshot>> {
  return histogramsOf(await scrapePromText(`${url}/metrics`, 10_000), WRITER_HISTOGRAMS);
}
