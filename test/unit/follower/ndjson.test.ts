import { describe, expect, it } from 'vitest';
import { formatChangeNdjson } from '../../../consumers/follower/ndjson.js';
import type { PlacementChange } from '../../../src/domain/messages.js';
import { cidV1, peerId } from '../../support/cids.js';

const change: PlacementChange = { cid: cidV1('n'), peer: peerId('n'), desired: true, state: 'pin_queued', opId: '0190f0a0-0000-7000-8000-000000000001', ts: Date.UTC(2025, 0, 2, 3, 4, 5, 678) };

describe('NDJSON line of a placement change', () => {
  it('is one JSON object with cid, peer, desired, state, op_id and an ISO ts, ending in a newline', () => {
    const line = formatChangeNdjson(change);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ cid: change.cid, peer: change.peer, desired: true, state: 'pin_queued', op_id: change.opId, ts: '2025-01-02T03:04:05.678Z' });
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['cid', 'peer', 'desired', 'state', 'op_id', 'ts']);
  });

  it('stays on one line whatever the op id holds', () => {
    const line = formatChangeNdjson({ ...change, desired: false, state: 'unpin_queued', opId: 'a\nb"c', ts: 0 });
    expect(line.split('\n')).toHaveLength(2);
    expect(JSON.parse(line)).toMatchObject({ desired: false, op_id: 'a\nb"c', ts: '1970-01-01T00:00:00.000Z' });
  });

  it('concatenated lines parse back one by one', () => {
    const text = [change, { ...change, opId: 'x' }].map(formatChangeNdjson).join('');
    const parsed = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { op_id: string });
    expect(parsed.map((p) => p.op_id)).toEqual([change.opId, 'x']);
  });
});
