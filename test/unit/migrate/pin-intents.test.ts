import { describe, expect, it } from 'vitest';
import { contentOpIds } from '../../../src/adapter/cluster-state.js';
import { clusterPinIntents, clusterPinOps, contentTs } from '../../../src/adapter/pin-intents.js';
import { parseApiPin } from '../../../src/cluster/index.js';
import { encodeIntent, decodeIntent } from '../../../src/codec/index.js';

const base = { cid: 'QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6', type: 'pin', max_depth: -1, allocations: ['12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv'], timestamp: '2024-05-06T10:11:12Z' };

describe('pin → intents, from content only', () => {
  it('UpsertPin then SetDesiredPlacement, with content op ids and the pin timestamp as op time', () => {
    const p = parseApiPin(base);
    const [upsert, placement] = clusterPinIntents(p);
    expect(upsert).toMatchObject({ opId: contentOpIds(p).upsert, ts: Date.UTC(2024, 4, 6, 10, 11, 12), origin: 'importer', body: { kind: 'UpsertPin' } });
    expect(placement).toMatchObject({ opId: contentOpIds(p).placement, body: { kind: 'SetDesiredPlacement', cid: base.cid, peers: base.allocations } });
    expect(decodeIntent(encodeIntent(upsert))).toEqual(upsert);
  });

  it('the same content gives the same intents; any change gives new op ids', () => {
    expect(clusterPinIntents(parseApiPin(base))).toEqual(clusterPinIntents(parseApiPin({ ...base })));
    const renamed = clusterPinIntents(parseApiPin({ ...base, name: 'x' }));
    expect(renamed[0].opId).not.toBe(clusterPinIntents(parseApiPin(base))[0].opId);
  });

  it('pre-1.0 pins without a timestamp get op time 0, never the clock', () => {
    expect(contentTs(parseApiPin({ ...base, timestamp: undefined }))).toBe(0);
  });

  it('store ops carry the same ids and times', () => {
    const p = parseApiPin(base);
    const ops = clusterPinOps(p);
    const intents = clusterPinIntents(p);
    expect(ops.map((o) => [o.opId, o.ts, o.body.kind])).toEqual(intents.map((i) => [i.opId, i.ts, i.body.kind]));
  });
});
