/** The operator steps alterReplication returns, per kind of change (pure; no cluster needed). */
import { describe, expect, it } from 'vitest';
import type { Replication } from '../../src/config/types.js';
import { parseReplicationMap, planReplicationSteps, sameReplication } from '../../src/store/replication.js';

const nts = (dataCenters: Record<string, number>): Replication => ({ class: 'NetworkTopologyStrategy', dataCenters });
const nodes = { dc1: ['10.0.0.1', '10.0.0.2', '10.0.0.3'], dc2: ['10.1.0.1'], dc3: ['10.2.0.1', '10.2.0.2'] };

describe('replication change plan', () => {
  it('reads system_schema replication maps', () => {
    expect(parseReplicationMap({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3', dc2: '1' })).toEqual(nts({ dc1: 3, dc2: 1 }));
    expect(parseReplicationMap({ class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '2' })).toEqual({ class: 'SimpleStrategy', replicationFactor: 2 });
    expect(parseReplicationMap({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '3/1' })).toEqual(nts({ dc1: 3 }));
  });

  it('unchanged (a DC at 0 equals a DC left out) → nothing to run', () => {
    expect(sameReplication(nts({ dc1: 3, dc2: 1 }), nts({ dc2: 1, dc1: 3 }))).toBe(true);
    expect(sameReplication(nts({ dc1: 3, dc2: 0 }), nts({ dc1: 3 }))).toBe(true);
    expect(planReplicationSteps('ks', nts({ dc1: 3, dc2: 1 }), nts({ dc1: 3, dc2: 1 }), nodes)).toEqual([]);
  });

  it('a new DC is rebuilt from the DC with the most replicas; a raised factor is repaired; a lowered one cleaned up', () => {
    const steps = planReplicationSteps('ks', nts({ dc1: 2, dc3: 2 }), nts({ dc1: 3, dc2: 1, dc3: 1 }), nodes);
    expect(steps.map((s) => [s.action, s.dc, s.nodetool.join(' '), s.nodes.length])).toEqual([
      ['rebuild', 'dc2', 'rebuild -ks ks -- dc1', 1],
      ['repair', 'dc1', 'repair -full ks', 3],
      ['cleanup', 'dc3', 'cleanup ks', 2],
    ]);
  });

  it('SimpleStrategy → NetworkTopologyStrategy: full repair everywhere', () => {
    const steps = planReplicationSteps('ks', { class: 'SimpleStrategy', replicationFactor: 1 }, nts({ dc1: 3 }), nodes);
    expect(steps).toHaveLength(1);
    expect(steps[0]!.nodetool).toEqual(['repair', '-full', 'ks']);
    expect(steps[0]!.nodes).toHaveLength(6);
  });
});
