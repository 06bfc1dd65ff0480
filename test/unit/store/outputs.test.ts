/**
 * Where a redelivered op's outputs come from (src/store/writes.ts). Since schema 5 its pin_events
 * row holds them (the event's columns plus its placement changes) and op_dedup only the dedup key;
 * op_dedup rows from before (format 2, compact) and odd outputs (format 1) still decode.
 */
import { describe, expect, it } from 'vitest';
import { planCid } from '../../../src/store/plan.js';
import { cidStateFromRow } from '../../../src/store/rows.js';
import { estimateBytes, eventChangesOf, outputsFollowFromOp, outputsFromEventRow, outputsFromRow, outputsOf, statementsForPlan, statsStatement } from '../../../src/store/writes.js';
import { CQL } from '../../../src/store/cql.js';
import cassandra from 'cassandra-driver';
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

describe('outputs in the event row (schema 5)', () => {
  const ctx = { peerBucketBits: 15, ttlShards: 16, dedupTtlSec: 60, eventsTtlSec: 120 };

  it("every recorded op's event and placement changes come back from its event row's cells", () => {
    for (const rec of plan.recorded) {
      expect(outputsFollowFromOp(rec)).toBe(true);
      const changes = eventChangesOf(rec);
      const ev = rec.result.event!;
      const row = { outcome: ev.outcome, reason: ev.reason, detail: ev.detail, changes: changes === cassandra.types.unset ? null : changes };
      const back = outputsFromEventRow(rec.result.op, row);
      expect(back.event).toEqual(rec.result.event);
      expect(back.placementChanges).toEqual(rec.result.placementChanges);
    }
    // The SetDesiredPlacement op has changes; the delete of an unpinned-nowhere pin may have none: no cell then.
    expect(plan.recorded.some((rec) => eventChangesOf(rec) !== cassandra.types.unset)).toBe(true);
    expect(outputsFromEventRow(plan.recorded[0]!.result.op, undefined)).toEqual({ event: null, placementChanges: [] });
  });

  it('statements: op_dedup without outputs and the changes in the event row; odd outputs keep them in op_dedup', () => {
    const { core, derived } = statementsForPlan(plan, ctx);
    const dedup = core.filter((st) => st.query === CQL.insertDedup || st.query === CQL.insertDedupWithOutputs);
    expect(dedup.map((st) => st.query)).toEqual(plan.recorded.map(() => CQL.insertDedup));
    const events = derived.filter((st) => st.query === CQL.insertEvent);
    expect(events).toHaveLength(plan.recorded.length);
    // changes is the 11th value of insertEvent, before the TTL and the timestamp.
    events.forEach((st, k) => expect(st.params[10]).toEqual(eventChangesOf(plan.recorded[k]!)));

    const rec = plan.recorded[1]!;
    const odd = { ...rec, result: { ...rec.result, event: { ...rec.result.event!, origin: 'someone else' } } };
    const oddPlan = { ...plan, recorded: [odd] };
    const out = statementsForPlan(oddPlan, ctx);
    const oddDedup = out.core.find((st) => st.query === CQL.insertDedupWithOutputs)!;
    expect(outputsFromRow(odd.result.op, oddDedup.params[5] as Buffer).event?.origin).toBe('someone else');
    expect(out.derived.find((st) => st.query === CQL.insertEvent)!.params[10]).toBe(cassandra.types.unset);
  });
});

describe('statement values', () => {
  const ctx = { peerBucketBits: 15, ttlShards: 16, dedupTtlSec: 60, eventsTtlSec: 120 };

  it('times, clocks and counts are plain numbers: no Date or Long stays live with a queued statement', () => {
    const { core, derived } = statementsForPlan(plan, ctx);
    const statements = [...core, ...derived, statsStatement(1, { pins: 3, placements: { pinned: 2 } }, 1_700_000_000_000_001, 1_700_000_000_000)];
    const values = statements.flatMap((st) => [
      ...st.params,
      ...st.params.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !(v instanceof Uint8Array)).flatMap((v) => Object.values(v)),
    ]);
    expect(values.filter((v) => v instanceof Date || v instanceof cassandra.types.Long)).toEqual([]);
    // The op's time is there as its number.
    expect(core.find((st) => st.query === CQL.insertDedup)!.params).toContain(ops[0]!.ts);
  });

  it('the batch-size estimate costs a time as its Long was, and a small number as before', () => {
    const at = 1_700_000_000_000;
    // 24 per statement; a Long was objectBytes of { low, high, unsigned }: 8 + 19 + 20 + 24 = 71.
    expect(estimateBytes({ query: 'q', params: [at] })).toBe(24 + 71);
    expect(estimateBytes({ query: 'q', params: [cassandra.types.Long.fromNumber(at)] })).toBe(24 + 71);
    expect(estimateBytes({ query: 'q', params: [3600] })).toBe(24 + 12);
  });
});

describe('peer_buckets statements', () => {
  const ctx = { peerBucketBits: 15, ttlShards: 16, dedupTtlSec: 60, eventsTtlSec: 120 };
  const bucketRows = (statements: ReturnType<typeof statementsForPlan>): number => statements.derived.filter((st) => st.query === CQL.insertPeerBucket).length;

  it('are not built for the buckets this process has written already', () => {
    const all = statementsForPlan(plan, ctx);
    expect(bucketRows(all)).toBeGreaterThan(0);
    const first = all.derived.find((st) => st.query === CQL.insertPeerBucket)!.once!;
    const some = statementsForPlan(plan, ctx, undefined, { has: (ref) => ref.peer === first.peer && ref.bucket === first.bucket });
    expect(bucketRows(some)).toBe(bucketRows(all) - all.derived.filter((st) => st.once?.peer === first.peer && st.once.bucket === first.bucket).length);
    expect(bucketRows(statementsForPlan(plan, ctx, undefined, { has: () => true }))).toBe(0);
    // Nothing else changes.
    expect(statementsForPlan(plan, ctx, undefined, { has: () => true }).derived.filter((st) => st.query !== CQL.insertPeerBucket)).toEqual(all.derived.filter((st) => st.query !== CQL.insertPeerBucket));
  });
});
