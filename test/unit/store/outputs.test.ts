/**
 * op_dedup's outputs format 2 (src/store/writes.ts), made compact for performance: a redelivered
 * op gets back exactly the event and placement changes it had, and format 1 rows written before
 * still decode.
 */
import { describe, expect, it } from 'vitest';
import { planCid } from '../../../src/store/plan.js';
import { cidStateFromRow } from '../../../src/store/rows.js';
import { outputsFromRow, outputsOf } from '../../../src/store/writes.js';
import { parseCid } from '../../../src/domain/cid.js';
import { benchPeers, benchPin, pinIntents, pinStoreOps } from '../../../src/bench/workload.js';
import { ackOp, deleteOp } from '../../../src/store/ops.js';

const peers = benchPeers('out');
const pin = benchPin('out', 1, peers);
const ops = [
  ...pinStoreOps(pinIntents('out', pin, 1_700_000_000_000), (k) => ({ topic: 'pins.intents', partition: 3, offset: String(10 + k) })),
  ackOp('ack-1', pin.cid, pin.peers[0]!, 'pin_error', { ts: 1_700_000_000_500, origin: pin.peers[0]!, error: 'no space' }),
  deleteOp('del-1', pin.cid, { ts: 1_700_000_001_000 }),
];
const plan = planCid(cidStateFromRow(parseCid(pin.cid), undefined), ops);

describe('op_dedup outputs', () => {
  it('format 2 gives back every recorded op its event and placement changes, and is smaller', () => {
    expect(plan.recorded).toHaveLength(4);
    for (const rec of plan.recorded) {
      const stored = outputsOf(rec);
      expect((JSON.parse(stored.toString()) as { v?: number }).v).toBe(2);
      const back = outputsFromRow(rec.result.op, stored);
      expect(back.event).toEqual(rec.result.event);
      expect(back.placementChanges).toEqual(rec.result.placementChanges);
      const v1 = Buffer.from(JSON.stringify({ event: rec.result.event, changes: rec.result.placementChanges }));
      expect(stored.length).toBeLessThan(v1.length / 2);
    }
  });

  it('decodes format 1 rows, with the source of the op at hand', () => {
    const rec = plan.recorded[1]!;
    const v1 = Buffer.from(JSON.stringify({ event: { ...rec.result.event, source: null }, changes: rec.result.placementChanges }));
    const back = outputsFromRow(rec.result.op, v1);
    expect(back.event).toEqual(rec.result.event);
    expect(back.placementChanges).toEqual(rec.result.placementChanges);
    expect(outputsFromRow(rec.result.op, null)).toEqual({ event: null, placementChanges: [] });
  });

  it('keeps format 1 for outputs that do not follow from their op', () => {
    const rec = plan.recorded[0]!;
    const odd = { ...rec, result: { ...rec.result, event: { ...rec.result.event!, origin: 'someone else' } } };
    const stored = outputsOf(odd);
    expect((JSON.parse(stored.toString()) as { v?: number }).v).toBeUndefined();
    expect(outputsFromRow(odd.result.op, stored).event?.origin).toBe('someone else');
  });
});
