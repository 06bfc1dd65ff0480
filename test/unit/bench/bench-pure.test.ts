import { describe, expect, it } from 'vitest';
import { configFileOf, mergeFile, withOverrides } from '../../../src/bench/config-file.js';
import { parseBenchOptions } from '../../../src/bench/options.js';
import { parseMaxCells, parseTablestats } from '../../../src/bench/partitions.js';
import { parseMemoryStatus, parseStackStatus } from '../../../src/bench/proc.js';
import { diffHistograms, parseHistograms } from '../../../src/bench/prom.js';
import { scaleBoundaries } from '../../../src/bench/scale.js';
import { percentile } from '../../../src/bench/summary.js';
import { targetConfig } from '../../../src/bench/targets.js';
import { benchPeers, benchPin, isCanonicalCid, pinIntents } from '../../../src/bench/workload.js';
import { loadConfig } from '../../../src/config/index.js';
import { validateConfig } from '../../../src/config/schema.js';
import { parseCid } from '../../../src/domain/cid.js';

describe('workload', () => {
  const peers = benchPeers('s');

  it('is deterministic per (seed, index) and places each pin on 2–3 distinct peers', () => {
    const a = benchPin('s', 7, peers);
    expect(benchPin('s', 7, peers)).toEqual(a);
    expect(benchPin('t', 7, benchPeers('t')).cid).not.toBe(a.cid);
    for (let i = 0; i < 200; i++) {
      const p = benchPin('s', i, peers);
      expect(p.peers.length).toBeGreaterThanOrEqual(2);
      expect(p.peers.length).toBeLessThanOrEqual(3);
      expect(new Set(p.peers).size).toBe(p.peers.length);
      expect(isCanonicalCid(p.cid)).toBe(true);
      expect(parseCid(p.cid).mhPrefix).toBe(p.mhPrefix);
    }
  });

  it('gives each pin an UpsertPin then a SetDesiredPlacement with stable op ids', () => {
    const pin = benchPin('s', 3, peers);
    const [u, d] = pinIntents('s', pin, 1_700_000_000_000);
    expect(u.body.kind).toBe('UpsertPin');
    expect(d.body).toEqual({ kind: 'SetDesiredPlacement', cid: pin.cid, peers: pin.peers });
    expect(pinIntents('s', pin, 1_700_000_000_000).map((i) => i.opId)).toEqual([u.opId, d.opId]);
    expect(u.opId).not.toBe(d.opId);
  });
});

describe('config file round trip', () => {
  it('the writer child gets every writer setting, defaults or not (joint_commit false once fell back to true)', () => {
    const writer = { max_batch_ops: 333, partitions_concurrently: 5, joint_commit: false, drain_timeout: '7s', session_timeout: '12s', heartbeat_interval: '2s' };
    const config = loadConfig({ env: {}, overrides: { writer } });
    expect(config.writer).toMatchObject({ maxBatchOps: 333, partitionsConcurrently: 5, jointCommit: false, drainTimeoutMs: 7000, sessionTimeoutMs: 12_000, heartbeatIntervalMs: 2000 });
    const back = validateConfig(configFileOf(config));
    expect(back.ok && back.config.writer).toEqual(config.writer);
    // What the bench's --override does: the override reaches the file the writer child loads.
    const child = validateConfig(configFileOf(withOverrides(loadConfig({ env: {} }), { writer: { joint_commit: false } })));
    expect(child.ok && child.config.writer.jointCommit).toBe(false);
  });

  it('the writer child gets heap_growing_percent (a bench --override of it reaches the writer)', () => {
    const child = validateConfig(configFileOf(withOverrides(loadConfig({ env: {} }), { heap_growing_percent: 0 })));
    expect(child.ok && child.config.heapGrowingPercent).toBe(0);
  });

  it('configFileOf → validate gives the same config back', () => {
    const config = loadConfig({ env: {}, overrides: { scylladb: { num_conns: 3, replication: { class: 'NetworkTopologyStrategy', dc1: 3 } }, writer: { max_batch_ops: 777 } } });
    const back = validateConfig(configFileOf(config));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.config).toEqual(config);
  });

  it('applies overrides key by key and names a bad key', () => {
    const config = loadConfig({ env: {} });
    expect(withOverrides(config, { writer: { partitions_concurrently: 64 } }).writer.partitionsConcurrently).toBe(64);
    expect(withOverrides(config, { writer: { partitions_concurrently: 64 } }).writer.maxBatchOps).toBe(config.writer.maxBatchOps);
    expect(() => withOverrides(config, { writer: { nope: 1 } })).toThrow(/writer\.nope/);
    expect(mergeFile({ a: { b: 1, c: 2 } }, { a: { c: 3 } })).toEqual({ a: { b: 1, c: 3 } });
  });

  it('points each mode at its own keyspace, topics and group', () => {
    const config = loadConfig({ env: {} });
    const a = targetConfig(config, 'bench_x_1', 'pipeline');
    const b = targetConfig(config, 'bench_x_1', 'naive');
    expect(a.scylla.keyspace).toBe('bench_x_1_pipeline');
    expect(a.kafka.topics.intents).not.toBe(b.kafka.topics.intents);
    expect(a.kafka.groupId).not.toBe(b.kafka.groupId);
    expect(validateConfig(configFileOf(a)).ok).toBe(true);
  });
});

describe('options', () => {
  it('fills defaults and names the bad option', () => {
    const o = parseBenchOptions({});
    expect(o.pins).toBe(100_000);
    expect(o.naivePins).toBe(100_000);
    expect(o.latencySeconds).toBe(15);
    expect(() => parseBenchOptions({ pins: 'x' })).toThrow(/--pins/);
    expect(() => parseBenchOptions({ pins: '10', naivePins: '20' })).toThrow(/--naive-pins/);
    expect(() => parseBenchOptions({ ceilingShape: 'fast' })).toThrow(/--ceiling-shape/);
    expect(() => parseBenchOptions({ override: '[1]' })).toThrow(/--override/);
    expect(parseBenchOptions({ writerNodeOptions: ' --a  --b=1 ' }).writerNodeOptions).toEqual(['--a', '--b=1']);
  });
});

describe('figures', () => {
  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('scale steps: 100,000 first, then every step up to the end', () => {
    expect(scaleBoundaries(10_000_000, 1_000_000)).toEqual([100_000, 1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000, 7_000_000, 8_000_000, 9_000_000, 10_000_000]);
    expect(scaleBoundaries(50_000, 10_000)).toEqual([50_000]);
    expect(scaleBoundaries(2_500_000, 1_000_000)).toEqual([100_000, 1_000_000, 2_000_000, 2_500_000]);
  });

  it('reads the writer histograms from Prometheus text', () => {
    const text = [
      '# HELP pinstate_writer_apply_seconds x',
      'pinstate_writer_apply_seconds_bucket{le="0.01"} 3',
      'pinstate_writer_apply_seconds_bucket{le="0.1"} 9',
      'pinstate_writer_apply_seconds_bucket{le="+Inf"} 10',
      'pinstate_writer_apply_seconds_sum 1.5',
      'pinstate_writer_apply_seconds_count 10',
      'pinstate_other_total 4',
    ].join('\n');
    const h = parseHistograms(text);
    expect(h['pinstate_writer_apply_seconds']).toEqual({ sum: 1.5, count: 10, buckets: [['0.01', 3], ['0.1', 9], ['+Inf', 10]] });
    const d = diffHistograms({ pinstate_writer_apply_seconds: { sum: 1, count: 4, buckets: [['0.01', 2], ['0.1', 4], ['+Inf', 4]] } }, h);
    expect(d['pinstate_writer_apply_seconds']).toEqual({ sum: 0.5, count: 6, buckets: [['0.01', 1], ['0.1', 5], ['+Inf', 6]] });
  });
});

describe('local stack and nodetool output', () => {
  it('finds the server pids in stack.sh status', () => {
    const text = 'kafka              running  pid 9000     127.0.0.1:9092\nkafka-sasl         stopped  pid 9000\ncassandra-node1    running  pid 14920    127.0.0.1:9042\n';
    expect(parseStackStatus(text)).toEqual({ kafka: 9000, cassandra: 14920 });
    expect(parseStackStatus('cassandra-node1    stopped  pid -\n')).toEqual({});
  });

  it('reads peak memory from /proc status, and nothing from an exiting (zombie) process', () => {
    const live = 'Name:\tnode\nVmPeak:\t 1200 kB\nVmHWM:\t  190964 kB\nVmRSS:\t  150000 kB\nThreads:\t11\n';
    expect(parseMemoryStatus(live)).toEqual({ rssKb: 150000, hwmKb: 190964 });
    // A zombie's status has no Vm* lines: no figure rather than NaN (which JSON logs as null).
    expect(parseMemoryStatus('Name:\tnode\nState:\tZ (zombie)\nThreads:\t1\n')).toBeNull();
  });

  it('parses tablestats and tablehistograms', () => {
    const stats = parseTablestats(
      'Keyspace: ks\n\t\tTable: pins_by_peer\n\t\tNumber of partitions (estimate): 1234\n\t\tCompacted partition minimum bytes: 21\n\t\tCompacted partition maximum bytes: 4768\n\t\tCompacted partition mean bytes: 310\n\t\tTable: pin_stats\n\t\tNumber of partitions (estimate): 64\n\t\tCompacted partition maximum bytes: 179\n\t\tCompacted partition mean bytes: 150\n',
    );
    expect(stats.get('pins_by_peer')).toEqual({ partitions: 1234, maxBytes: 4768, meanBytes: 310 });
    expect(stats.get('pin_stats')).toEqual({ partitions: 64, maxBytes: 179, meanBytes: 150 });
    const hist = 'ks/t histograms\nPercentile  Read Latency  Write Latency  SSTables  Partition Size  Cell Count\n50%   0.00  10.00  0.00  310  5\nMax   0.00  50.00  0.00  4768  60\n';
    expect(parseMaxCells(hist)).toBe(60);
    expect(parseMaxCells('nothing')).toBeNull();
  });
});
