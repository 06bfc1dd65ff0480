/**
 * DC-aware client: with local_dc=dc1 every request pinstate sends is coordinated by a dc1 node
 * (and with local_dc=dc2 by the dc2 node), at LOCAL_QUORUM (LOCAL_SERIAL for an LWT). Two
 * independent views: the driver's own (a RequestTracker on the session, client.getState()'s open
 * connections) for in-process writers, and each node's own coordinator request counters
 * (system_views.coordinator_{read,write,scan}_latency) for real writer processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter } from '../../consumers/writer/writer.js';
import type { StoreOp } from '../../src/store/records.js';
import { openSession } from '../../src/store/session.js';
import { createStore } from '../../src/store/store.js';
import { Model } from '../../tools/chaos/model.js';
import { verify } from '../../tools/chaos/verify.js';
import { DC1_HOSTS, DC2_HOSTS, NodeProbe, deltaPerNode, type CoordinatorCounts } from './support/cluster.js';
import {
  configOf,
  logCounts,
  publishCounting,
  infraDeadLetters,
  recordSummary,
  setupMultiDcRun,
  spawnWriterProcess,
  stopWriter,
  waitCaughtUp,
  waitWriterRunning,
  writeConfigFile,
  type MultiDcRun,
} from './support/run.js';
import { CoordinatorTracker, type TrackerSnapshot } from './support/tracker.js';
import { acksPhase, intentsPhase } from './support/workload.js';

const SEED = 21;

describe('DC-aware routing', () => {
  let run: MultiDcRun;
  const probe = new NodeProbe();
  const model = new Model();
  const produced: StoreOp[] = [];
  const evidence: Record<string, unknown> = {};

  beforeAll(async () => {
    run = await setupMultiDcRun('routing');
  });
  afterAll(async () => {
    await probe.close();
    await run?.cleanup(process.env['PINSTATE_MULTIDC_KEEP_DATA'] === '1');
  });

  async function inProcessWriter(localDc: 'dc1' | 'dc2', ops: StoreOp[]): Promise<{ tracker: TrackerSnapshot; connections: Record<string, number>; server: Record<number, number>; lwt: boolean }> {
    const config = configOf(run.options(localDc));
    const tracker = new CoordinatorTracker();
    const session = await openSession({ config: config.scylla, keyspace: run.keyspace, requestTracker: tracker });
    const store = await createStore({ config: config.scylla, session });
    const writer = createWriter({ config, store });
    const before = await probe.coordinatorCountsAll(run.keyspace);
    try {
      await writer.start();
      await publishCounting(run.producer, ops, { batch: 200, pauseMs: 0 });
      produced.push(...ops);
      for (const op of ops) model.apply(op);
      await writer.waitForCaughtUp(180_000);
      // A lightweight transaction through the same session: LOCAL_SERIAL by default.
      const lwt = await session.execute('INSERT INTO pinstate_meta (key, value) VALUES (?, ?) IF NOT EXISTS', [`lwt_probe_${localDc}`, 'x']);
      const applied = lwt.rows[0]?.['[applied]'] === true;
      const state = session.client.getState();
      const connections: Record<string, number> = {};
      for (const h of state.getConnectedHosts()) connections[h.address.replace(/:\d+$/, '')] = state.getOpenConnections(h);
      return { tracker: tracker.snapshot(), connections, server: deltaPerNode(before, await probe.coordinatorCountsAll(run.keyspace)), lwt: applied };
    } finally {
      await writer.stop();
      await store.close();
      await session.shutdown();
    }
  }

  async function writerProcess(localDc: 'dc1' | 'dc2', ops: StoreOp[]): Promise<{ server: Record<number, number>; warnings: Record<string, number> }> {
    const before: Record<number, CoordinatorCounts> = await probe.coordinatorCountsAll(run.keyspace);
    const child = spawnWriterProcess(writeConfigFile(run.options(localDc)));
    try {
      await waitWriterRunning(child);
      await publishCounting(run.producer, ops, { batch: 200, pauseMs: 0 });
      produced.push(...ops);
      for (const op of ops) model.apply(op);
      await waitCaughtUp(run, 180_000);
    } finally {
      expect(await stopWriter(child)).toBe(0);
    }
    return { server: deltaPerNode(before, await probe.coordinatorCountsAll(run.keyspace)), warnings: logCounts(child.output()) };
  }

  it('local_dc=dc1 → only dc1 coordinators; local_dc=dc2 → only the dc2 node (driver tracker, open connections, node counters)', async () => {
    const now = Date.now();
    const intents = intentsPhase(SEED, 3000, now);
    const half = Math.floor(intents.length / 2);

    // 1. In-process writer in dc1, then the same group continues in dc2.
    const a = await inProcessWriter('dc1', intents.slice(0, half));
    const b = await inProcessWriter('dc2', intents.slice(half));
    evidence['inproc_dc1'] = a;
    evidence['inproc_dc2'] = b;

    expect(Object.keys(a.tracker.byDc)).toEqual(['dc1']);
    expect(Object.keys(a.tracker.byHost).sort()).toEqual([...DC1_HOSTS].sort());
    expect(Object.keys(a.tracker.consistencies)).toEqual(['localQuorum']);
    expect(a.tracker.serialConsistencies).toEqual({ localSerial: 1 });
    expect(a.lwt).toBe(true);
    expect(a.tracker.errors).toBe(0);
    expect(Object.keys(a.connections).every((h) => DC1_HOSTS.includes(h))).toBe(true);
    expect(a.server[4]).toBe(0);
    expect(a.server[1]! + a.server[2]! + a.server[3]!).toBeGreaterThan(0);

    expect(Object.keys(b.tracker.byDc)).toEqual(['dc2']);
    expect(Object.keys(b.tracker.consistencies)).toEqual(['localQuorum']);
    expect(b.tracker.serialConsistencies).toEqual({ localSerial: 1 });
    expect(b.lwt).toBe(true);
    expect(Object.keys(b.connections)).toEqual(DC2_HOSTS);
    expect(b.server[1]! + b.server[2]! + b.server[3]!).toBe(0);
    expect(b.server[4]).toBeGreaterThan(0);

    // 2. Real writer processes (consumers/writer/main.ts): node counters only.
    const acks = acksPhase(SEED, model, now);
    const ah = Math.floor(acks.length / 2);
    const c = await writerProcess('dc1', acks.slice(0, ah));
    const d = await writerProcess('dc2', acks.slice(ah));
    evidence['process_dc1'] = c.server;
    evidence['process_dc2'] = d.server;
    expect(c.server[4]).toBe(0);
    expect(c.server[1]! + c.server[2]! + c.server[3]!).toBeGreaterThan(0);
    expect(d.server[1]! + d.server[2]! + d.server[3]!).toBe(0);
    expect(d.server[4]).toBeGreaterThan(0);

    const v = await verify(run, model, produced);
    const infra = await infraDeadLetters(run);
    const passed = Object.keys(infra).length === 0 && v.lost === 0 && v.duplicated_effects === 0 && v.stats_drift === 0 && v.unexpected_dlq === 0;
    recordSummary({
      scenario: 'dc-aware-routing',
      passed,
      ops_produced: v.ops_produced,
      ops_applied: v.ops_applied,
      lost: v.lost,
      unique_ops: new Set(produced.map((op) => op.opId)).size,
      duplicated: v.duplicated_effects,
      stats_drift: v.stats_drift,
      dlq: v.dlq,
      unexpected_dlq: v.unexpected_dlq,
      infra_dead_letters: infra,
      driver_requests_dc1_writer: a.tracker.byHost,
      driver_requests_dc2_writer: b.tracker.byHost,
      consistency: Object.keys(a.tracker.consistencies).join('/'),
      lwt_serial: Object.keys(a.tracker.serialConsistencies).join('/'),
      open_connections_dc1_writer: a.connections,
      open_connections_dc2_writer: b.connections,
      node_counters_dc1_process: c.server,
      node_counters_dc2_process: d.server,
    });
    expect(infra).toEqual({});
    expect(v).toMatchObject({ lost: 0, duplicated_effects: 0, stats_drift: 0, unexpected_dlq: 0 });
  });
});
