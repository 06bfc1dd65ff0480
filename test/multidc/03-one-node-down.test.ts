/**
 * One dc1 node stopped while two real writer processes ingest: LOCAL_QUORUM (2 of dc1's 3
 * replicas) still holds, so ingestion goes on with no error surfaced to producers and nothing
 * lost. The coordinators keep hints for the stopped node; once it is back, hinted handoff
 * delivers them, and every dc1 replica holds the same data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreOp } from '../../src/store/records.js';
import { Model } from '../../tools/chaos/model.js';
import { verify } from '../../tools/chaos/verify.js';
import type { Child } from '../support/process.js';
import { NodeProbe, cqlTypes, hintFilesOnDisk, nodeStart, nodeStop, nodetool } from './support/cluster.js';
import {
  freePort,
  lagOf,
  logCounts,
  publishCounting,
  readyz,
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

const SEED = 31;
const SIZE = Number(process.env['PINSTATE_MULTIDC_SIZE'] ?? 6000);
const DOWN = 2;

describe('one dc1 node down', () => {
  let run: MultiDcRun;
  const probe = new NodeProbe();
  const writers: Child[] = [];

  beforeAll(async () => {
    run = await setupMultiDcRun('onenode');
  });
  afterAll(async () => {
    for (const w of writers) await stopWriter(w);
    await nodeStart(DOWN).catch(() => undefined);
    await probe.close();
    await run?.cleanup(process.env['PINSTATE_MULTIDC_KEEP_DATA'] === '1');
  });

  it('ingestion continues at LOCAL_QUORUM; hints catch the node up after restart; replicas agree', async () => {
    const model = new Model();
    const produced: StoreOp[] = [];
    const ports = [await freePort(), await freePort()];
    for (const port of ports) writers.push(spawnWriterProcess(writeConfigFile(run.options('dc1', port)), { http: true }));
    for (const w of writers) await waitWriterRunning(w);

    // Readiness of both writers, sampled through the whole scenario.
    const ready = { ok: 0, notReady: 0, details: [] as string[] };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const port of ports) {
          const r = await readyz(port);
          if (r.status === 200) ready.ok++;
          else {
            ready.notReady++;
            ready.details.push(JSON.stringify(r.body).slice(0, 300));
          }
        }
        await sleep(500);
      }
    })();

    const now = Date.now();
    const intents = intentsPhase(SEED, SIZE, now);
    const pub: PublishStats = { sent: 0, errors: 0 };
    const publishing = publishCounting(run.producer, intents, { batch: 100, pauseMs: 250, stats: pub });
    await sleep(3000);
    const sentBeforeStop = pub.sent;
    const downHostId = await probe.hostId(DOWN);
    const stopMs = await nodeStop(DOWN);
    const downAt = Date.now();
    const atDown = await lagOf(run);
    await publishing;
    produced.push(...intents);
    for (const op of intents) model.apply(op);
    await waitCaughtUp(run, 300_000);
    const acks = acksPhase(SEED, model, now);
    await publishCounting(run.producer, acks, { batch: 100, pauseMs: 100, stats: pub });
    produced.push(...acks);
    for (const op of acks) model.apply(op);
    await waitCaughtUp(run, 300_000);
    const whileDown = await lagOf(run);
    const appliedWhileDown = Number(whileDown.committed - atDown.committed);
    const downForMs = Date.now() - downAt;

    // The live dc1 coordinators hold hints for the stopped node (on disk: the file being written
    // is not listed by system_views.pending_hints until it is closed).
    const hintsOnDisk = (): { files: number; bytes: number } =>
      [1, 3].map((n) => hintFilesOnDisk(n, downHostId)).reduce((a, b) => ({ files: a.files + b.files, bytes: a.bytes + b.bytes }), { files: 0, bytes: 0 });
    const hintsWhileDown = hintsOnDisk();

    const startMs = await nodeStart(DOWN);
    const upAt = Date.now();
    // Hinted handoff: wait until no dc1 node holds hints for the restarted node.
    let drainedMs = -1;
    for (;;) {
      let left = hintsOnDisk().files;
      for (const n of [1, 3]) left += Object.values(await probe.pendingHints(n)).reduce((a, b) => a + b, 0);
      if (left === 0) {
        drainedMs = Date.now() - upAt;
        break;
      }
      if (Date.now() - upAt > 300_000) throw new Error('hints for the restarted node were not delivered within 300 s');
      await sleep(500);
    }
    sampling = false;
    await sampler;

    // LOCAL_QUORUM reads against the oracle (and exact stats, via reconcileStats).
    const v = await verify(run, model, produced);
    const infra = await infraDeadLetters(run);
    // A read at ONE through each dc1 node as coordinator (the coordinator prefers its own replica).
    const unique = new Set(produced.map((op) => op.opId)).size;
    const perNode: Record<number, { dedup: number; pins: number }> = {};
    for (const n of [1, 2, 3]) {
      const dedup = (await probe.all(n, `SELECT op_id FROM ${run.keyspace}.op_dedup`, [], cqlTypes.consistencies.one)).length;
      const pins = (await probe.all(n, `SELECT pin_type FROM ${run.keyspace}.pins_by_cid`, [], cqlTypes.consistencies.one)).filter((r) => r['pin_type'] !== null).length;
      perNode[n] = { dedup, pins };
    }
    // And the replicas' own view: a preview of a full repair finds nothing to stream.
    const preview = await nodetool(1, 'repair', '--preview', '-full', run.keyspace);
    const inSync = /Previewed data was in sync/.test(preview);

    const exits: Array<number | string> = [];
    for (const [i, w] of writers.entries()) {
      exits.push(await stopWriter(w));
      saveLog(w, `${run.base}-writer${i + 1}`);
    }
    const warnings: Record<string, number> = {};
    for (const w of writers) for (const [k, n] of Object.entries(logCounts(w.output()))) warnings[k] = (warnings[k] ?? 0) + n;
    writers.length = 0;

    const expectedPins = model.counts().pins;
    const passed =
      Object.keys(infra).length === 0 &&
      v.lost === 0 && v.duplicated_effects === 0 && v.stats_drift === 0 && v.unexpected_dlq === 0 && pub.errors === 0 && appliedWhileDown > 0 && inSync && exits.every((c) => c === 0) &&
      [1, 2, 3].every((n) => perNode[n]!.dedup === unique && perNode[n]!.pins === expectedPins);
    recordSummary({
      scenario: 'one-dc1-node-down',
      passed,
      ops_produced: v.ops_produced,
      ops_applied: v.ops_applied,
      lost: v.lost,
      unique_ops: unique,
      duplicated: v.duplicated_effects,
      stats_drift: v.stats_drift,
      dlq: v.dlq,
      unexpected_dlq: v.unexpected_dlq,
      infra_dead_letters: infra,
      producer_errors: pub.errors,
      published_before_stop: sentBeforeStop,
      messages_committed_while_node_down: appliedWhileDown,
      node_down_s: +(downForMs / 1000).toFixed(1),
      node_stop_s: +(stopMs / 1000).toFixed(1),
      node_start_s: +(startMs / 1000).toFixed(1),
      hints_for_node_while_down: `${hintsWhileDown.files} files, ${hintsWhileDown.bytes} bytes`,
      hints_drained_after_s: +(drainedMs / 1000).toFixed(1),
      read_one_per_node: perNode,
      repair_preview_in_sync: inSync,
      readyz_200: ready.ok,
      readyz_not_ready: ready.notReady,
      readyz_not_ready_bodies: ready.details,
      writer_warnings: warnings,
      writer_exit_codes: exits,
    });
    expect(infra).toEqual({});
    expect(v).toMatchObject({ lost: 0, duplicated_effects: 0, stats_drift: 0, unexpected_dlq: 0 });
    expect(pub.errors).toBe(0);
    expect(exits).toEqual([0, 0]);
    expect(appliedWhileDown).toBeGreaterThan(0);
    expect(hintsWhileDown.files).toBeGreaterThan(0);
    expect(inSync).toBe(true);
    for (const n of [1, 2, 3]) expect(perNode[n]).toEqual({ dedup: unique, pins: expectedPins });
  });
});
