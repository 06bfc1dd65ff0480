/**
 * What `pinstate top` shows, computed from two scrapes of /metrics (rates and latencies over the
 * interval between them; cumulative figures when there is only one). Pure.
 */
import { bucketDelta, buckets, quantile, sum, sumBy, type Sample } from '../../prom-text.js';

export interface TopView {
  readonly writerState: string;
  /** Messages handled per second, by outcome (applied, duplicate, …); undefined without a previous scrape. */
  readonly throughput: ReadonlyMap<string, number> | undefined;
  readonly lagTotal: number;
  /** The partitions with the most lag, worst first. */
  readonly lagTop: ReadonlyArray<{ topic: string; partition: string; lag: number }>;
  readonly applyP50: number | undefined;
  readonly applyP99: number | undefined;
  readonly dlq: ReadonlyMap<string, number>;
  readonly apiRate: number | undefined;
  readonly apiP99: number | undefined;
  readonly apiErrors: number;
  readonly kafkaConnected: number | undefined;
  readonly cqlHosts: number | undefined;
  readonly cqlInFlight: number | undefined;
}

function present(samples: readonly Sample[], name: string): number | undefined {
  return samples.some((s) => s.name === name) ? sum(samples, name) : undefined;
}

function windowQuantile(q: number, now: readonly Sample[], before: readonly Sample[] | undefined, name: string): number | undefined {
  const cur = buckets(now, name);
  return quantile(q, before === undefined ? cur : bucketDelta(cur, buckets(before, name)));
}

export function topView(now: readonly Sample[], before: readonly Sample[] | undefined, seconds: number): TopView {
  const state = now.find((s) => s.name === 'pinstate_writer_state' && s.value === 1)?.labels['state'] ?? 'none';
  let throughput: Map<string, number> | undefined;
  if (before !== undefined && seconds > 0) {
    const cur = sumBy(now, 'pinstate_writer_messages_total', 'outcome');
    const old = sumBy(before, 'pinstate_writer_messages_total', 'outcome');
    throughput = new Map([...cur].map(([outcome, n]) => [outcome, Math.max(0, n - (old.get(outcome) ?? 0)) / seconds]));
  }
  const lags = now
    .filter((s) => s.name === 'pinstate_writer_lag_messages')
    .map((s) => ({ topic: s.labels['topic'] ?? '', partition: s.labels['partition'] ?? '', lag: s.value }))
    .sort((a, b) => b.lag - a.lag);
  const apiNow = sum(now, 'pinstate_api_request_seconds_count');
  const errorsNow = now.filter((s) => s.name === 'pinstate_api_requests_total' && (s.labels['status'] ?? '').startsWith('5')).reduce((n, s) => n + s.value, 0);
  return {
    writerState: state,
    throughput,
    lagTotal: lags.reduce((n, l) => n + l.lag, 0),
    lagTop: lags.slice(0, 5),
    applyP50: windowQuantile(0.5, now, before, 'pinstate_writer_apply_seconds'),
    applyP99: windowQuantile(0.99, now, before, 'pinstate_writer_apply_seconds'),
    dlq: sumBy(now, 'pinstate_writer_dlq_total', 'reason'),
    apiRate: before === undefined || seconds <= 0 ? undefined : Math.max(0, apiNow - sum(before, 'pinstate_api_request_seconds_count')) / seconds,
    apiP99: windowQuantile(0.99, now, before, 'pinstate_api_request_seconds'),
    apiErrors: errorsNow,
    kafkaConnected: present(now, 'pinstate_kafka_connected'),
    cqlHosts: present(now, 'pinstate_cql_connected_hosts'),
    cqlInFlight: present(now, 'pinstate_cql_in_flight_requests'),
  };
}

const ms = (s: number | undefined): string => (s === undefined ? '-' : `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`);
const num = (n: number | undefined, digits = 0): string => (n === undefined ? '-' : n.toFixed(digits));

/** The frame as plain lines (no ANSI); the command adds the screen control. */
export function renderTop(view: TopView, source: string, at: Date): string[] {
  const rate = view.throughput === undefined ? '-' : [...view.throughput].filter(([, r]) => r > 0).map(([o, r]) => `${o} ${r.toFixed(1)}/s`).join(', ') || '0/s';
  const total = view.throughput === undefined ? undefined : [...view.throughput.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `pinstate top — ${source} — ${at.toISOString()}`,
    '',
    `writer      ${view.writerState}`,
    `throughput  ${num(total, 1)} msg/s  (${rate})`,
    `apply       p50 ${ms(view.applyP50)}   p99 ${ms(view.applyP99)}`,
    `lag         ${num(view.lagTotal)} messages${view.lagTop.filter((l) => l.lag > 0).map((l) => `  ${l.topic}[${l.partition}]=${l.lag}`).join('')}`,
    `dlq         ${view.dlq.size === 0 ? '0' : [...view.dlq].map(([reason, n]) => `${reason} ${n}`).join(', ')}`,
    `api         ${num(view.apiRate, 1)} req/s   p99 ${ms(view.apiP99)}   5xx ${num(view.apiErrors)}`,
    `health      kafka ${view.kafkaConnected === undefined ? '-' : view.kafkaConnected === 1 ? 'up' : 'DOWN'}   cql hosts ${num(view.cqlHosts)}   cql in flight ${num(view.cqlInFlight)}`,
  ];
  return lines;
}
