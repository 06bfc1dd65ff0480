import { describe, expect, it } from 'vitest';
import { countStreamedObjects, pinUrl } from '../../../src/bench/ipfs-cluster.js';
import { parseBenchOptions } from '../../../src/bench/options.js';
import type { LogLine } from '../../../src/bench/run-log.js';
import { ipfsClusterRate, summarize } from '../../../src/bench/summary.js';

const at = '2026-12-04T00:00:00.000Z';

/** The lines summarize() needs, with round numbers: 10,000 pins, pipeline caught up after 5 s. */
function baseLog(): LogLine[] {
  return [
    { phase: 'run', at, pins: 10_000 },
    { phase: 'ceiling', at, pins: 10_000, ms: 2_000, shape: 'writer', concurrency: 8, applied_pins: 10_000 },
    { phase: 'pipeline', at, caught_up_ms: 5_000, running_ms: 1_000, clk_tck: 100, cpu_ticks_running: 0, cpu_ticks_end: 100, vm_hwm_kb: 1024, applied_pins: 10_000, lag: 0 },
    { phase: 'latency', at, latencies_ms: [1, 2, 3], offered_pins_per_s: 1000, ops: 3, lost: 0 },
    { phase: 'naive', at, pins: 1_000, ms: 10_000, applied_pins: 1_000, lag: 0 },
    { phase: 'reads', at, get_ms: [1, 2], list_pins: 10_000, list_ms: 500, list_rss_growth_kb: 0 },
  ];
}

describe('bench --peer ipfs-cluster', () => {
  it('counts the objects of a streamed REST API answer', () => {
    expect(countStreamedObjects('')).toBe(0);
    expect(countStreamedObjects('{"cid":"a"}\n{"cid":"b"}\n\n{"cid":"c"}\n')).toBe(3);
    expect(countStreamedObjects('{"cid":"a"}')).toBe(1);
  });

  it('pins recursively on the single peer with the bench name', () => {
    expect(pinUrl('http://127.0.0.1:20004', 'bafkreiabc', 7)).toBe('http://127.0.0.1:20004/pins/bafkreiabc?name=bench-7&mode=recursive&replication-min=-1&replication-max=-1');
  });

  it('reports pinstate_vs_ipfs_cluster from the log, recomputable', () => {
    const lines: LogLine[] = [...baseLog(), { phase: 'ipfs_cluster', at, pins: 10_000, post_errors: 0, listed: 10_000, post_ms: 15_000, state_ms: 20_000 }];
    const s = summarize(lines);
    expect(s.pipeline_pins_per_s).toBe(2_000);
    expect(s.ipfs_cluster_pins_per_s).toBe(500);
    expect(s.pinstate_vs_ipfs_cluster).toBe(4);
  });

  it('leaves both figures null without the peer', () => {
    const s = summarize(baseLog());
    expect(s.ipfs_cluster_pins_per_s).toBeNull();
    expect(s.pinstate_vs_ipfs_cluster).toBeNull();
  });

  it('counts only accepted pins and refuses a state that never listed them', () => {
    expect(ipfsClusterRate({ phase: 'ipfs_cluster', at, pins: 1_000, post_errors: 200, listed: 800, state_ms: 1_000 })).toBe(800);
    expect(() => ipfsClusterRate({ phase: 'ipfs_cluster', at, pins: 1_000, post_errors: 0, listed: 10, state_ms: 1_000 })).toThrow(/lists 10 of 1000/);
  });

  it('accepts --peer ipfs-cluster only', () => {
    expect(parseBenchOptions({}).peer).toBeUndefined();
    expect(parseBenchOptions({ peer: 'ipfs-cluster' }).peer).toBe('ipfs-cluster');
    expect(() => parseBenchOptions({ peer: 'kubo' })).toThrow(/--peer/);
  });
});
