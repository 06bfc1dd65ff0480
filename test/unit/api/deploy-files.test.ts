/**
 * The dashboard, docker-compose.yml and the Prometheus config agree with the code: every metric a
 * dashboard query reads is documented (and so registered), every pinstate environment variable
 * the compose file sets is one the config reads, and Prometheus scrapes the API port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../../src/config/index.js';
import { packageRoot } from '../../../src/paths.js';

const read = (path: string): string => readFileSync(join(packageRoot(), path), 'utf8');

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string }>;
}

describe('dashboards/pinstate.json', () => {
  const dashboard = JSON.parse(read('dashboards/pinstate.json')) as { panels: Panel[]; uid: string; templating: { list: Array<{ name: string }> } };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const docs = read('docs/metrics.md');

  it('reads only documented metrics', () => {
    const names = new Set(exprs.flatMap((e) => [...e.matchAll(/\b(pinstate_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''))));
    expect(names.size).toBeGreaterThan(15);
    for (const name of names) {
      // Default process metrics are documented by prefix.
      if (name.startsWith('pinstate_process_') || name.startsWith('pinstate_nodejs_')) continue;
      expect(docs, name).toContain(`\`${name}\``);
    }
  });

  it('covers throughput, apply p50/p95/p99, lag per partition, DLQ by reason, API latency and errors', () => {
    const all = exprs.join('\n');
    expect(all).toMatch(/rate\(pinstate_writer_messages_total/);
    for (const q of ['0.5', '0.95', '0.99']) expect(all).toContain(`histogram_quantile(${q}, sum by (le) (rate(pinstate_writer_apply_seconds_bucket`);
    expect(all).toContain('max by (topic, partition) (pinstate_writer_lag_messages');
    expect(all).toContain('sum by (topic, reason) (rate(pinstate_writer_dlq_total');
    expect(all).toContain('pinstate_api_request_seconds_bucket');
    expect(all).toMatch(/pinstate_api_requests_total\{[^}]*status=~"5\.\."/);
    expect(dashboard.templating.list.map((v) => v.name)).toContain('DS_PROMETHEUS');
  });

  it('has unique panel ids and a stable uid', () => {
    const ids = (dashboard.panels as unknown as Array<{ id: number }>).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.uid).toBe('pinstate-overview');
  });
});

describe('docker-compose.yml', () => {
  const compose = read('docker-compose.yml');
  const known = new Set(ENV_VARIABLES.map((v) => v.name));

  it("sets only environment variables the config reads on the pinstate service", () => {
    const service = compose.slice(compose.indexOf('\n  pinstate:\n'), compose.indexOf('\n  prometheus:\n'));
    const set = [...service.matchAll(/^\s+((?:PINSTATE|SCYLLA|KAFKA)_[A-Z_]+):/gm)].map((m) => m[1]!);
    expect(set).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'SCYLLA_HOSTS', 'PINSTATE_API_HOST', 'PINSTATE_API_PORT']));
    for (const name of set) expect(known.has(name), name).toBe(true);
  });

  it('runs pinstate start against the compose services, with Prometheus scraping the API port', () => {
    expect(compose).toContain('CMD ["start", "--no-local-stack"]');
    expect(compose).toMatch(/KAFKA_BROKERS: kafka:9092/);
    expect(compose).toMatch(/SCYLLA_HOSTS: scylla/);
    expect(compose).toMatch(/PINSTATE_API_PORT: 9097/);
    expect(read('prometheus/prometheus.yml')).toContain("targets: ['pinstate:9097']");
    expect(compose).toContain('./dashboards/pinstate.json:/var/lib/grafana/dashboards/pinstate.json');
  });
});
