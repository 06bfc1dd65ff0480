/** Compares the database with the oracle after a chaos scenario. */
import pLimit from 'p-limit';
import { parseCid } from '../../src/domain/cid.js';
import { readByKeys } from '../../src/store/bulk.js';
import { CQL } from '../../src/store/cql.js';
import { reconcileStats } from '../../src/store/reconcile.js';
import type { StoreOp } from '../../src/store/records.js';
import { dlqTopic } from '../../src/kafka/client.js';
import { DLQ_HEADERS } from '../../consumers/writer/outputs.js';
import { readTopic } from '../../src/kafka/read-topic.js';
import type { Model } from './model.js';
import type { Run } from './run-support.js';

export interface Verdict {
  readonly ops_produced: number;
  readonly ops_applied: number;
  readonly lost: number;
  readonly duplicated_effects: number;
  readonly stats_drift: number;
  readonly dlq: number;
  /** Dead-lettered ops the oracle did not reject, plus rejected ops missing from the DLQ. */
  readonly unexpected_dlq: number;
  readonly mismatched_cids: string[];
}

export async function verify(run: Run, model: Model, produced: readonly StoreOp[]): Promise<Verdict> {
  const session = run.store.session;
  const limit = pLimit(16);
  const ids = [...new Set(produced.map((op) => op.opId))];
  const dedup = await readByKeys(session, CQL.selectDedupIn, ids, (r) => r['op_id'] as string, limit);
  const missingOps = ids.filter((id) => !dedup.has(id));

  // Final rows against the oracle, CID by CID.
  const mismatched: string[] = [];
  let duplicatedEvents = 0;
  await Promise.all(
    [...model.cids].map(([cid, want]) =>
      limit(async () => {
        const key = Buffer.from(parseCid(cid).bytes);
        const [has, placement, events] = await Promise.all([
          run.store.has(cid),
          run.store.getPlacement(cid),
          session.execute('SELECT op_id FROM pin_events WHERE cid_bin = ?', [key], { fetchSize: 10_000 }),
        ]);
        let ok = has === (want.pin !== null);
        if (ok && want.pin) {
          const got = await run.store.get(cid);
          ok = got.spec.name === want.pin.name && got.spec.replicationFactorMin === want.pin.rfMin && got.spec.replicationFactorMax === want.pin.rfMax;
        }
        ok &&= JSON.stringify([...(placement?.desired ?? [])].sort()) === JSON.stringify([...want.desired].sort());
        ok &&= JSON.stringify(Object.entries(placement?.actual ?? {}).sort()) === JSON.stringify([...want.actual.entries()].sort());
        if (!ok) mismatched.push(cid);
        const perOp = new Map<string, number>();
        for (const r of events.rows) perOp.set(r['op_id'] as string, (perOp.get(r['op_id'] as string) ?? 0) + 1);
        for (const n of perOp.values()) if (n > 1) duplicatedEvents += n - 1;
      }),
    ),
  );

  // Exact counts: pin_stats against a full scan, and against the oracle.
  const rec = await reconcileStats(session, run.config.scylla.statsShards, { apply: false });
  const expected = model.counts();
  let drift = Math.abs(rec.recorded.pins - rec.scanned.pins) + Math.abs(rec.recorded.pins - expected.pins);
  const states = new Set([...Object.keys(rec.recorded.placements), ...Object.keys(rec.scanned.placements), ...Object.keys(expected.placements)]);
  for (const s of states) {
    const r = rec.recorded.placements[s] ?? 0;
    drift += Math.abs(r - (rec.scanned.placements[s] ?? 0)) + Math.abs(r - (expected.placements[s] ?? 0));
  }

  // Dead letters: exactly the ops the rules reject (a redelivery may repeat one; the set must match).
  let dlq = 0;
  const dlqOps = new Set<string>();
  for (const topic of [run.config.kafka.topics.intents, run.config.kafka.topics.acks]) {
    for (const m of await readTopic(run.kafka, dlqTopic(run.config.kafka, topic))) {
      dlq++;
      dlqOps.add(m.headers[DLQ_HEADERS.opId] ?? '');
    }
  }
  const unexpectedDlq = [...dlqOps].filter((id) => !model.rejected.has(id)).length + [...model.rejected].filter((id) => !dlqOps.has(id)).length;
  return {
    ops_produced: produced.length,
    ops_applied: ids.length - missingOps.length,
    lost: missingOps.length + mismatched.length,
    duplicated_effects: duplicatedEvents,
    stats_drift: drift,
    dlq,
    unexpected_dlq: unexpectedDlq,
    mismatched_cids: mismatched.slice(0, 10),
  };
}
