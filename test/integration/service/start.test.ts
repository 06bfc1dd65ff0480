/**
 * `pinstate start` in-process: schema apply, topics ensure, then writer + TTL sweeper + API in one
 * process; readiness turns 200, a pin posted to the API is applied, /metrics shows the writer's
 * counters and the sweeper's runs, `pinstate top --once` reads them, and a stop drains (exit 0).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinJson } from '../../../src/api/index.js';
import { cidV1 } from '../../support/cids.js';
import type { TestPipeline } from '../../support/kafka.js';
import { runCli, startCli } from '../../unit/cli/capture.js';
import { apiUrlIn, metricValue, pipeline, until, writeCliConfig } from '../cli/helpers.js';
import { loadMigrations } from '../../../src/store/migrate.js';

const LATEST = loadMigrations().at(-1)?.version ?? 0;

let p: TestPipeline;
let run: ReturnType<typeof startCli>;
let base: string;

beforeAll(async () => {
  p = await pipeline('svc_start');
  run = startCli(['--config', writeCliConfig(p.config), 'start', '--no-local-stack', '--sweep-interval', '500ms']);
  // A `start` that gave up fails the setup at once, instead of after the whole wait.
  const exited = run.done.then((code) => Promise.reject(new Error(`pinstate start exited ${code} before printing its API address`)));
  exited.catch(() => undefined); // it also rejects at the normal stop in afterAll, after the race
  base = await Promise.race([until('API address printed', () => apiUrlIn(run.captured.out()), 120_000), exited]).catch((err: unknown) => {
    // What `start` got through, so a slow start says where it stood.
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nout:\n${run.captured.out()}\nerr:\n${run.captured.err()}\nlast log lines:\n${run.captured.logs().slice(-6000)}`);
  });
});
afterAll(async () => {
  await run?.stop();
  await p?.cleanup();
});

describe('pinstate start', () => {
  it('prints what it prepared and where the API and metrics listen', () => {
    const out = run.captured.out();
    expect(out).toMatch(new RegExp(`keyspace ${p.keyspace} at schema version ${LATEST}; topics ready \\(0 created\\)`));
    expect(out).toMatch(/pinstate running \(pid \d+\): writer group \S+; TTL sweep every 500ms; API http:\/\/127\.0\.0\.1:\d+ \(metrics http:\/\/127\.0\.0\.1:\d+\/metrics, readiness http:\/\/127\.0\.0\.1:\d+\/readyz\)/);
  });

  it('/readyz answers 200 with the writer running', async () => {
    const report = await until('ready', async () => {
      const res = await fetch(`${base}/readyz`);
      return res.status === 200 ? ((await res.json()) as { checks: Record<string, unknown> }) : undefined;
    });
    expect(report.checks['writer']).toEqual({ ok: true, state: 'running' });
  });

  it('a pin posted to the API is applied by the writer in the same process', async () => {
    const cid = cidV1('svc-start');
    expect((await fetch(`${base}/pins/${cid}`, { method: 'POST', body: '{"name":"started"}' })).status).toBe(202);
    const pin = await until('applied', async () => {
      const res = await fetch(`${base}/pins/${cid}`);
      return res.status === 200 ? ((await res.json()) as PinJson) : undefined;
    });
    expect(pin.name).toBe('started');
  });

  it('/metrics: writer counters non-zero, the TTL sweeper has run, connections healthy', async () => {
    const text = await until('sweeps counted', async () => {
      const t = await (await fetch(`${base}/metrics`)).text();
      return metricValue(t, 'pinstate_ttl_sweeps_total', 'outcome="ok"') >= 1 ? t : undefined;
    });
    expect(metricValue(text, 'pinstate_writer_messages_total', 'outcome="applied"')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'pinstate_writer_apply_seconds_count')).toBeGreaterThanOrEqual(1);
    // Every fetched batch has an age: the writer saw at least the batch it applied.
    expect(metricValue(text, 'pinstate_writer_fetch_age_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'pinstate_producer_sent_total')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'pinstate_cql_connected_hosts')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'pinstate_kafka_connected')).toBe(1);
  });

  it('pinstate top --once reads the running instance', async () => {
    const r = await runCli(['top', '--url', `${base}/metrics`, '--once', '--interval', '300ms']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^writer\s+running$/m);
    expect(r.out).toMatch(/^throughput\s+\d+\.\d msg\/s/m);
    expect(r.out).toMatch(/^health\s+kafka up\s+cql hosts 1/m);
  });

  it('stops on SIGTERM (simulated): API closed, writer drained, exit 0', async () => {
    const r = await run.stop();
    expect(r.code).toBe(0);
    expect(r.out).toContain('pinstate: stopped\n');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
