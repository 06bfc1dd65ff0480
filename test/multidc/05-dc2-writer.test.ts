/**
 * A writer pointed at dc2 (local_dc=dc2, contact point the dc2 node) reads what dc1 wrote once
 * replication has happened. A LOCAL_QUORUM write in dc1 is acknowledged by dc1 replicas only;
 * dc2's copy arrives asynchronously (the coordinator forwards it at the same time), so the delay
 * is measured, then the writer group moves to dc2: its dedup reads, per-CID state and pin_stats
 * come from dc2's replica, and the oracle must still agree, read from either data center.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCid } from '../../src/domain/cid.js';
import { upsertOp } from '../../src/store/ops.js';
import type { StoreOp } from '../../src/store/records.js';
import type { PinStore } from '../../src/store/store.js';
import { Model } from '../../tools/chaos/model.js';
import { verify } from '../../tools/chaos/verify.js';
import { cidV1 } from '../support/cids.js';
import type { Child } from '../support/process.js';
import { NodeProbe, cqlTypes, deltaPerNode } from './support/cluster.js';
import {
  configOf,
  logCounts,
  publishCounting,
  infraDeadLetters,
  recordSummary,
  saveLog,
  setupMultiDcRun,
  sleep,
  spawnWriterProcess,
  stopWriter,
  waitCaughtUp,
  waitWriterRunning,
  writeConfigFile,
  type MultiDcRun,
  type PublishStats,
} from './support/run.js';
import { acksPhase, intentsPhase } from './support/workload.js';

const SEED = 51;
const SIZE = Number(process.env['PINSTATE_MULTIDC_SIZE'] ?? 6000);
const PROBES = 300;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

describe('writer in dc2 after dc1 wrote', () => {
  let run: MultiDcRun;
  const probe = new NodeProbe();
  let writer: Child | undefined;

  beforeAll(async () => {
    run = await setupMultiDcRun('dc2writer');
  });
  afterAll(async () => {
    if (writer) await stopWriter(writer);
    await probe.close();
    await run?.cleanup(process.env['PINSTATE_MULTIDC_KEEP_DATA'] === '1');
  });

  it('dc2 sees dc1 writes after a measured delay; a dc2 writer continues the group without loss or second effects', async () => {
    const model = new Model();
    const produced: StoreOp[] = [];
    const pub: PublishStats = { sent: 0, errors: 0 };
    const now = Date.now();

    // 1. dc1 writer ingests phase 1.
    writer = spawnWriterProcess(writeConfigFile(run.options('dc1')));
    await waitWriterRunning(writer);
    const intents = intentsPhase(SEED, SIZE, now);
    await publishCounting(run.producer, intents, { batch: 200, pauseMs: 0, stats: pub });
    produced.push(...intents);
    for (const op of intents) model.apply(op);
    await waitCaughtUp(run, 300_000);
    const caughtUpAt = Date.now();
    // Bulk: how long after the dc1 group committed the last batch does dc2's replica hold every op?
    const unique1 = new Set(intents.map((op) => op.opId)).size;
    let bulkMs = -1;
    for (;;) {
      const n = (await probe.all(4, `SELECT op_id FROM ${run.keyspace}.op_dedup`, [], cqlTypes.consistencies.localOne)).length;
      if (n === unique1) {
        bulkMs = Date.now() - caughtUpAt;
        break;
      }
      if (Date.now() - caughtUpAt > 120_000) throw new Error(`dc2 holds ${n} of ${unique1} ops 120 s after dc1 caught up`);
      await sleep(100);
    }
    expect(await stopWriter(writer)).toBe(0);
    saveLog(writer, `${run.base}-dc1-writer`);
    writer = undefined;

    // 2. Per write: acknowledged at LOCAL_QUORUM in dc1 → visible at LOCAL_ONE on the dc2 node.
    const delays: number[] = [];
    let visibleOnFirstRead = 0;
    for (let i = 0; i < PROBES; i++) {
      const cid = cidV1(`${run.base}-probe-${i}`);
      const op = upsertOp(`${run.base}-probe-${i}`, { cid, name: `probe${i}` }, { ts: now + i, origin: 'multidc-probe' });
      await run.store.apply([op]);
      const ackedAt = performance.now();
      produced.push(op);
      model.apply(op);
      const key = Buffer.from(parseCid(cid).bytes);
      for (let attempt = 0; ; attempt++) {
        const r = await probe.on(4, `SELECT cid_bin FROM ${run.keyspace}.pins_by_cid WHERE cid_bin = ?`, [key], { consistency: cqlTypes.consistencies.localOne });
        if (r.rows.length > 0) {
          if (attempt === 0) visibleOnFirstRead++;
          break;
        }
        if (performance.now() - ackedAt > 60_000) throw new Error(`probe ${i} not in dc2 after 60 s`);
      }
      delays.push(performance.now() - ackedAt);
    }
    // pin_stats is written in the same logged batch; wait for dc2 to show the same counts.
    const dc2Store: PinStore = await run.storeIn('dc2');
    const want = await run.store.stats();
    const statsDeadline = Date.now() + 60_000;
    while (JSON.stringify(await dc2Store.stats()) !== JSON.stringify(want)) {
      if (Date.now() > statsDeadline) throw new Error('dc2 pin_stats never matched dc1');
      await sleep(100);
    }

    // 3. The group continues in dc2: phase 2 acks plus exact re-sends of 500 phase-1 intents.
    const before = await probe.coordinatorCountsAll(run.keyspace);
    writer = spawnWriterProcess(writeConfigFile(run.options('dc2')));
    await waitWriterRunning(writer);
    const acks = acksPhase(SEED, model, now);
    const resent = intents.slice(0, 500);
    const phase2 = [...resent, ...acks];
    await publishCounting(run.producer, phase2, { batch: 200, pauseMs: 0, stats: pub });
    produced.push(...phase2);
    for (const op of phase2) model.apply(op);
    await waitCaughtUp(run, 300_000);
    const exit = await stopWriter(writer);
    saveLog(writer, `${run.base}-dc2-writer`);
    const warnings = logCounts(writer.output());
    writer = undefined;
    const server = deltaPerNode(before, await probe.coordinatorCountsAll(run.keyspace));

    // 4. The oracle, read in dc2 (LOCAL_QUORUM there = the dc2 node), then in dc1 once dc2's writes arrived.
    const vDc2 = await verify({ ...run, store: dc2Store, config: configOf(run.options('dc2')) }, model, produced);
    const backAt = Date.now();
    let vDc1 = await verify(run, model, produced);
    while ((vDc1.lost !== 0 || vDc1.stats_drift !== 0) && Date.now() - backAt < 60_000) {
      await sleep(500);
      vDc1 = await verify(run, model, produced);
    }
    const unique = new Set(produced.map((op) => op.opId)).size;
    const infra = await infraDeadLetters(run);
    const passed =
      Object.keys(infra).length === 0 &&
      [vDc2, vDc1].every((v) => v.lost === 0 && v.duplicated_effects === 0 && v.stats_drift === 0 && v.unexpected_dlq === 0) &&
      server[1] === 0 && server[2] === 0 && server[3] === 0 && server[4]! > 0 && exit === 0 && pub.errors === 0;
    recordSummary({
      scenario: 'dc2-writer-reads-dc1-writes',
      passed,
      ops_produced: vDc2.ops_produced,
      ops_applied: vDc2.ops_applied,
      lost: vDc2.lost,
      unique_ops: unique,
      duplicated: vDc2.duplicated_effects,
      stats_drift: vDc2.stats_drift,
      dlq: vDc2.dlq,
      unexpected_dlq: vDc2.unexpected_dlq,
      infra_dead_letters: infra,
      lost_read_in_dc1: vDc1.lost,
      producer_errors: pub.errors,
      replication_delay_ms: { probes: PROBES, p50: +pct(delays, 50).toFixed(2), p99: +pct(delays, 99).toFixed(2), max: +Math.max(...delays).toFixed(2), visible_on_first_read: visibleOnFirstRead },
      dc2_complete_after_dc1_caught_up_ms: bulkMs,
      dc2_writer_node_counters: server,
      resent_ops: resent.length,
      writer_warnings: warnings,
      writer_exit: exit,
    });
    expect(infra).toEqual({});
    expect(vDc2).toMatchObject({ lost: 0, duplicated_effects: 0, stats_drift: 0, unexpected_dlq: 0 });
    expect(vDc1).toMatchObject({ lost: 0, duplicated_effects: 0, stats_drift: 0, unexpected_dlq: 0 });
    expect([server[1], server[2], server[3]]).toEqual([0, 0, 0]);
    expect(server[4]).toBeGreaterThan(0);
    expect(exit).toBe(0);
  });
});
