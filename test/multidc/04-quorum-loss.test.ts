/**
 * dc1 below quorum: two of dc1's three nodes stopped while a real writer process ingests. No
 * LOCAL_QUORUM write can succeed, so the writer must stop committing (its group lag stays above
 * 0 and committed offsets do not move), keep retrying with backoff, answer 503 on /readyz and log
 * why; once a second dc1 node is back it resumes by itself, and nothing is lost: the oracle and
 * an exact recount of pin_stats (reconcileStats) agree with the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreOp } from '../../src/store/records.js';
import { Model } from '../../tools/chaos/model.js';
import { verify } from '../../tools/chaos/verify.js';
import type { Child } from '../support/process.js';
import { nodeStart, nodeStop } from './support/cluster.js';
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

const SEED = 41;
const SIZE = Number(process.env['PINSTATE_MULTIDC_SIZE'] ?? 6000);
/** How long the suite watches the writer while dc1 has no quorum. */
const OUTAGE_WATCH_MS = Number(process.env['PINSTATE_MULTIDC_OUTAGE_MS'] ?? 20_000);

interface ReadyBody {
  ready?: boolean;
  checks?: Record<string, { ok: boolean; detail?: string; state?: string }>;
}

describe('dc1 below quorum', () => {
  let run: MultiDcRun;
  let writer: Child | undefined;

  beforeAll(async () => {
    run = await setupMultiDcRun('quorumloss');
  });
  afterAll(async () => {
    if (writer) await stopWriter(writer);
    await nodeStart(2).catch(() => undefined);
    await nodeStart(3).catch(() => undefined);
    await run?.cleanup(process.env['PINSTATE_MULTIDC_KEEP_DATA'] === '1');
  });

  it('the writer stops committing, reports not-ready and why, and resumes without loss once quorum returns', async () => {
    const model = new Model();
    const produced: StoreOp[] = [];
    const port = await freePort();
    writer = spawnWriterProcess(writeConfigFile(run.options('dc1', port)), { http: true });
    await waitWriterRunning(writer);
    expect((await readyz(port)).status).toBe(200);

    const now = Date.now();
    const intents = intentsPhase(SEED, SIZE, now);
    const third = Math.floor(intents.length / 3);
    const pub: PublishStats = { sent: 0, errors: 0 };
    // A first third with all nodes up.
    await publishCounting(run.producer, intents.slice(0, third), { batch: 100, pauseMs: 50, stats: pub });
    await waitCaughtUp(run, 120_000);

    // The second third while dc1 loses two nodes; the rest while it has none to spare.
    const publishing = publishCounting(run.producer, intents.slice(third, 2 * third), { batch: 100, pauseMs: 200, stats: pub });
    await sleep(1500);
    const stop3 = await nodeStop(3);
    const stop2 = await nodeStop(2);
    const lostQuorumAt = Date.now();
    await publishing;
    await publishCounting(run.producer, intents.slice(2 * third), { batch: 100, pauseMs: 0, stats: pub });
    produced.push(...intents);
    for (const op of intents) model.apply(op);

    // Wait for the writer to notice (its in-flight batches fail), then watch it for a while.
    let firstNotReadyMs = -1;
    for (;;) {
      const r = await readyz(port);
      if (r.status === 503) {
        firstNotReadyMs = Date.now() - lostQuorumAt;
        break;
      }
      if (Date.now() - lostQuorumAt > 60_000) throw new Error(`writer still ready 60 s after dc1 lost quorum: ${JSON.stringify(r.body)}`);
      await sleep(250);
    }
    await sleep(2000);
    const c0 = await lagOf(run);
    const samples: Array<{ committed: bigint; lag: bigint; status: number }> = [];
    let body503: ReadyBody | undefined;
    const watchStart = Date.now();
    while (Date.now() - watchStart < OUTAGE_WATCH_MS) {
      const l = await lagOf(run);
      const r = await readyz(port);
      if (r.status === 503) body503 = r.body as ReadyBody;
      samples.push({ committed: l.committed, lag: l.lag, status: r.status });
      await sleep(1000);
    }
    const committedMoved = samples.some((s) => s.committed !== c0.committed);
    const minLag = samples.reduce((m, s) => (s.lag < m ? s.lag : m), c0.lag);
    const allNotReady = samples.every((s) => s.status === 503);
    const outageLog = writer.output();
    const pausedLines = outageLog.split('\n').filter((l) => l.includes('database unavailable; batch paused, retrying'));
    const example = pausedLines.find((l) => /LOCAL_QUORUM/.test(l)) ?? pausedLines[0] ?? '';

    // Quorum back: one more dc1 node (2 of 3). The writer resumes without a restart; watched
    // while the node starts (its gossip comes up before its CQL port, and that is what counts).
    const startBegan = Date.now();
    let start2 = -1;
    const starting = nodeStart(2).then((ms) => (start2 = ms));
    let resumedCommitMs = -1;
    let readyAgainMs = -1;
    for (;;) {
      const l = await lagOf(run);
      if (resumedCommitMs < 0 && l.committed !== c0.committed) resumedCommitMs = Date.now() - startBegan;
      if (readyAgainMs < 0 && (await readyz(port)).status === 200) readyAgainMs = Date.now() - startBegan;
      if (l.lag === 0n && readyAgainMs >= 0) break;
      if (Date.now() - startBegan > 400_000) throw new Error('writer did not catch up within 400 s of the node start');
      await sleep(250);
    }
    const caughtUpMs = Date.now() - startBegan;
    await starting;
    const start3 = await nodeStart(3);

    // Phase 2 (acks) with every node back, then the oracle.
    const acks = acksPhase(SEED, model, now);
    await publishCounting(run.producer, acks, { batch: 100, pauseMs: 0, stats: pub });
    produced.push(...acks);
    for (const op of acks) model.apply(op);
    await waitCaughtUp(run, 300_000);
    const exit = await stopWriter(writer);
    saveLog(writer, `${run.base}-writer`);
    const warnings = logCounts(writer.output());
    writer = undefined;
    const v = await verify(run, model, produced);
    const infra = await infraDeadLetters(run);
    const unique = new Set(produced.map((op) => op.opId)).size;

    const passed =
      Object.keys(infra).length === 0 &&
      v.lost === 0 && v.duplicated_effects === 0 && v.stats_drift === 0 && v.unexpected_dlq === 0 && pub.errors === 0 && !committedMoved && minLag > 0n && allNotReady && pausedLines.length > 0 && exit === 0;
    recordSummary({
      scenario: 'dc1-below-quorum',
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
      node_stop_s: `${(stop3 / 1000).toFixed(1)}+${(stop2 / 1000).toFixed(1)}`,
      not_ready_after_s: +(firstNotReadyMs / 1000).toFixed(1),
      watched_s: +(OUTAGE_WATCH_MS / 1000).toFixed(0),
      committed_offsets_moved_during_outage: committedMoved,
      min_lag_during_outage: Number(minLag),
      readyz_during_outage: allNotReady ? '503 throughout' : samples.map((s) => s.status).join(','),
      readyz_writer_check: body503?.checks?.['writer']?.detail ?? '',
      paused_log_lines: pausedLines.length,
      node_start_s: `${(start2 / 1000).toFixed(1)}+${(start3 / 1000).toFixed(1)}`,
      // Measured from the moment `node-start 2` began (the node's CQL port opens at node_start_s).
      first_commit_after_node_start_began_s: +(resumedCommitMs / 1000).toFixed(1),
      ready_after_node_start_began_s: +(readyAgainMs / 1000).toFixed(1),
      caught_up_after_node_start_began_s: +(caughtUpMs / 1000).toFixed(1),
      writer_warnings: warnings,
      writer_exit: exit,
    });
    process.stdout.write(`  log line while paused: ${example.slice(0, 400)}\n`);
    expect(infra).toEqual({});
    expect(pub.errors).toBe(0);
    expect(committedMoved).toBe(false);
    expect(minLag).toBeGreaterThan(0n);
    expect(allNotReady).toBe(true);
    expect(body503?.ready).toBe(false);
    expect(body503?.checks?.['writer']?.ok).toBe(false);
    expect(example).toMatch(/LOCAL_QUORUM/);
    expect(exit).toBe(0);
    expect(v).toMatchObject({ lost: 0, duplicated_effects: 0, stats_drift: 0, unexpected_dlq: 0 });
  });
});
