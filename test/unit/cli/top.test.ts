import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createRegistry } from '../../../src/metrics.js';
import { bucketDelta, buckets, parsePromText, quantile, sum } from '../../../src/prom-text.js';
import { renderTop, topView } from '../../../src/cli/top/view.js';
import { writerMetrics } from '../../../src/metrics.js';

describe('Prometheus text', () => {
  it('reads samples with escaped labels and special values', () => {
    const s = parsePromText('# HELP x y\n# TYPE x counter\nx{a="1",b="q\\"uote"} 3\ny 4 1700000000\nz{le="+Inf"} +Inf\n\nbad line here\n');
    expect(s).toEqual([
      { name: 'x', labels: { a: '1', b: 'q"uote' }, value: 3 },
      { name: 'y', labels: {}, value: 4 },
      { name: 'z', labels: { le: '+Inf' }, value: Number.POSITIVE_INFINITY },
    ]);
  });

  it('quantiles interpolate inside buckets, as histogram_quantile does', () => {
    const b = [
      { le: 0.1, count: 50 },
      { le: 0.2, count: 90 },
      { le: 0.4, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(quantile(0.5, b)).toBeCloseTo(0.1);
    expect(quantile(0.7, b)).toBeCloseTo(0.15);
    expect(quantile(0.99, b)).toBeCloseTo(0.38);
    expect(quantile(0.99, [{ le: Number.POSITIVE_INFINITY, count: 0 }])).toBeUndefined();
    expect(quantile(0.99, [{ le: 1, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 4 }])).toBe(1);
  });

  it('reads what prom-client writes', async () => {
    const registry = createRegistry();
    const h = new Histogram({ name: 't_seconds', help: 'h', buckets: [0.01, 0.1, 1], registers: [registry] });
    for (let i = 0; i < 98; i++) h.observe(0.005);
    h.observe(0.5);
    h.observe(0.5);
    const samples = parsePromText(await registry.metrics());
    expect(sum(samples, 't_seconds_count')).toBe(100);
    expect(quantile(0.5, buckets(samples, 't_seconds'))).toBeLessThan(0.01);
    expect(quantile(0.99, buckets(samples, 't_seconds'))).toBeGreaterThan(0.1);
    expect(bucketDelta(buckets(samples, 't_seconds'), buckets(samples, 't_seconds')).every((b) => b.count === 0)).toBe(true);
  });
});

describe('top view', () => {
  it('rates, lag, latency and DLQ from two scrapes', async () => {
    const registry = createRegistry();
    const w = writerMetrics(registry);
    const api = new Counter({ name: 'pinstate_api_requests_total', help: 'h', labelNames: ['route', 'method', 'status'], registers: [registry] });
    new Gauge({ name: 'pinstate_kafka_connected', help: 'h', registers: [registry] }).set(1);
    w.state.set({ state: 'running' }, 1);
    w.state.set({ state: 'draining' }, 0);
    w.messages.inc({ topic: 'pins.intents', outcome: 'applied' }, 100);
    const before = parsePromText(await registry.metrics());
    w.messages.inc({ topic: 'pins.intents', outcome: 'applied' }, 200);
    w.messages.inc({ topic: 'pins.intents', outcome: 'duplicate' }, 20);
    w.lag.set({ topic: 'pins.intents', partition: '3' }, 40);
    w.lag.set({ topic: 'pins.intents', partition: '1' }, 2);
    w.dlq.inc({ topic: 'pins.intents', reason: 'INVALID_CID' }, 2);
    for (let i = 0; i < 10; i++) w.applySeconds.observe(0.02);
    api.inc({ route: '/pins', method: 'GET', status: '500' });
    const now = parsePromText(await registry.metrics());

    const view = topView(now, before, 2);
    expect(view.writerState).toBe('running');
    expect(view.throughput?.get('applied')).toBe(100);
    expect(view.throughput?.get('duplicate')).toBe(10);
    expect(view.lagTotal).toBe(42);
    expect(view.lagTop[0]).toEqual({ topic: 'pins.intents', partition: '3', lag: 40 });
    expect(view.applyP99).toBeGreaterThan(0.01);
    expect(view.applyP99).toBeLessThanOrEqual(0.025);
    expect(view.dlq.get('INVALID_CID')).toBe(2);
    expect(view.apiErrors).toBe(1);
    expect(view.kafkaConnected).toBe(1);

    const text = renderTop(view, 'http://x/metrics', new Date(0)).join('\n');
    expect(text).toContain('throughput  110.0 msg/s');
    expect(text).toContain('pins.intents[3]=40');
    expect(text).toContain('INVALID_CID 2');
    expect(text).toMatch(/apply\s+p50 \d+\.\d ms\s+p99 \d+\.\d ms/);
  });

  it('without a previous scrape shows no rates', () => {
    const view = topView([], undefined, 0);
    expect(view.throughput).toBeUndefined();
    expect(renderTop(view, 'u', new Date(0)).join('\n')).toContain('throughput  - msg/s');
  });
});
