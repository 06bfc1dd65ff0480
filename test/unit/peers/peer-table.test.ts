/** PeerTable: newest heartbeat per peer, liveness by TTL, each transition reported once. */
import { describe, expect, it } from 'vitest';
import type { PeerHeartbeat } from '../../../src/domain/messages.js';
import { PeerTable } from '../../../src/peers/peer-table.js';

const hb = (peer: string, ts: number, freeBytes = 100): PeerHeartbeat => ({
  peer, agentVersion: '0.1.0', ipfsVersion: '0.43.1', addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${peer}`], freeBytes, repoBytes: 1, pinned: 0, queued: 0, errors: 0, tags: {}, intervalMs: 1000, ts,
});

describe('PeerTable', () => {
  it('keeps the newest heartbeat and goes down after the TTL', () => {
    const t = new PeerTable(5000);
    t.observe(hb('QmA', 1000, 10), 1000);
    t.observe(hb('QmA', 900, 99), 1100);
    expect(t.get('QmA', 2000)?.heartbeat.freeBytes).toBe(10);
    expect(t.sweep(2000)).toEqual([{ peer: 'QmA', kind: 'up' }]);
    expect(t.sweep(3000)).toEqual([]);
    expect(t.isLive('QmA', 5999)).toBe(true);
    expect(t.sweep(6000)).toEqual([{ peer: 'QmA', kind: 'down' }]);
    expect(t.live(6000)).toEqual([]);
    t.observe(hb('QmA', 7000), 7000);
    expect(t.sweep(7000)).toEqual([{ peer: 'QmA', kind: 'up' }]);
  });

  it('reports a peer first seen through a stale heartbeat as down, and a future ts counts as now', () => {
    const t = new PeerTable(5000);
    t.observe(hb('QmOld', 1000), 100_000);
    t.observe(hb('QmSkew', 500_000), 100_000);
    expect(t.sweep(100_000)).toEqual([{ peer: 'QmOld', kind: 'down' }, { peer: 'QmSkew', kind: 'up' }]);
    expect(t.sweep(104_999).length).toBe(0);
    expect(t.sweep(105_000)).toEqual([{ peer: 'QmSkew', kind: 'down' }]);
  });

  it('forgets a tombstoned peer', () => {
    const t = new PeerTable(5000);
    t.observe(hb('QmA', 1000), 1000);
    t.sweep(1000);
    t.forget('QmA');
    expect(t.sweep(1001)).toEqual([{ peer: 'QmA', kind: 'down' }]);
    expect(t.list(1001)).toEqual([]);
  });
});
