/**
 * CI smoke run of `pinstate bench` with 2,000 pins, in-process (the writer it measures is still a
 * child process, as in a real run). No timing assertions: it checks that every mode applied all
 * the pins, that the groups caught up, that the JSON line carries every promised key as finite
 * numbers, that a real single-peer IPFS Cluster (`--peer ipfs-cluster`, a few seconds) took every
 * pin, and that the figures recompute from the run log.
 */
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { benchAction } from '../../../src/cli/commands/bench.js';
import { readRunLog } from '../../../src/bench/run-log.js';
import { summarizeScale } from '../../../src/bench/scale-summary.js';
import { REQUIRED_KEYS, summarize } from '../../../src/bench/summary.js';
import type { CliContext } from '../../../src/cli/context.js';
import { createLogger } from '../../../src/log.js';
import { testConfig } from '../../support/store.js';

const PINS = 2000;

function context(): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const config = testConfig();
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  return {
    ctx: { config: () => config, logger: () => logger, out: (t) => void (out += t), err: (t) => void (err += t), interactive: false },
    out: () => out,
    err: () => err,
  };
}

const isFiniteNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

describe('pinstate bench (smoke)', () => {
  let logPath: string | undefined;
  afterAll(() => {
    if (logPath !== undefined) process.stdout.write(`bench smoke run log: ${logPath}\n`);
  });

  it(`runs every mode on ${PINS} pins and applies all of them in each`, { timeout: 300_000 }, async () => {
    const { ctx, out, err } = context();
    // A fixed ceiling setting skips the sweep (the smoke run checks completeness, not speed).
    const code = await benchAction(ctx, { pins: String(PINS), json: true, latencySeconds: '2', gets: '100', ceilingShape: 'writer', ceilingConcurrency: '64', peer: 'ipfs-cluster' });
    expect(code, err()).toBe(0);

    const lines = out().trim().split('\n');
    const json = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    for (const key of REQUIRED_KEYS) {
      const v = json[key];
      if (key === 'latency_ms') {
        const lat = v as Record<string, unknown>;
        for (const p of ['p50', 'p95', 'p99']) expect(isFiniteNumber(lat[p]), `latency_ms.${p}`).toBe(true);
      } else expect(isFiniteNumber(v), key).toBe(true);
    }
    expect(json['pins']).toBe(PINS);

    // Every mode applied every pin (pin_stats of its keyspace), and the consumer groups caught up.
    expect(json['applied']).toEqual({ ceiling: PINS, pipeline: PINS, naive: PINS });
    expect(json['lag']).toEqual({ pipeline: 0, naive: 0 });
    // Every latency op's event came back.
    expect(json['latency_lost']).toBe(0);
    expect(json['list_pins'] as number).toBeGreaterThanOrEqual(PINS);

    // The figures are the run log's: recomputing gives the same summary.
    logPath = json['log'] as string;
    const log = readRunLog(logPath);
    const { log: _path, ...printed } = json;
    expect(JSON.parse(JSON.stringify(summarize(log)))).toEqual(printed);
    // --peer ipfs-cluster: a real single-peer IPFS Cluster took every pin into its state.
    const cluster = log.find((l) => l.phase === 'ipfs_cluster')!;
    expect(cluster['post_errors'], String(cluster['first_error'])).toBe(0);
    expect(cluster['listed']).toBe(PINS);
    expect(isFiniteNumber(json['pinstate_vs_ipfs_cluster'])).toBe(true);
    // Keyspaces, topics and groups were dropped.
    const cleanup = log.find((l) => l.phase === 'cleanup')!;
    expect(cleanup['problems']).toEqual([]);
  });

  it('--scale grows the store in steps through the writer process, reads it all back, and recomputes from its log', { timeout: 300_000 }, async () => {
    const { ctx, out, err } = context();
    // --trace-gc: the step lines carry the writer's heap when its log has full collections.
    const code = await benchAction(ctx, { scale: true, scaleMax: '2000', scaleStep: '2000', json: true, gets: '50', export: false, writerNodeOptions: '--trace-gc' });
    expect(code, err()).toBe(0);
    const json = JSON.parse(out().trim().split('\n').at(-1)!) as ReturnType<typeof summarizeScale>;
    // One step: the first is min(100,000, max) pins (scaleBoundaries, unit-tested).
    expect(json.steps.map((s) => [s.from, s.to])).toEqual([[0, 2000]]);
    for (const s of json.steps) for (const v of [s.pinsPerSecond, s.cpuUsPerPin, s.peakRssMb]) expect(v).toBeGreaterThan(0);
    // Every pin the steps produced is in the store.
    expect(json.reads.pins).toBe(2000);
    expect(json.partitions.tables.map((t) => t.table)).toContain('pins_by_cid');
    const log = readRunLog(json.log);
    expect(JSON.parse(JSON.stringify(summarizeScale(log, json.log)))).toEqual(json);
  });
});
