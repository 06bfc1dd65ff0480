/**
 * Fault scenarios. Each runs the two-phase workload against a fresh keyspace and topics with real
 * writer processes while one kind of fault is injected, then compares the database with the oracle.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packageRoot } from '../../src/paths.js';
import type { StoreOp } from '../../src/store/records.js';
import { sweepExpired } from '../../src/store/ttl-sweeper.js';
import { writeConfigFile } from '../../test/support/process.js';
import { Model } from './model.js';
import { sleep } from '../../src/sleep.js';
import { caughtUp, publish, setupRun, type Run } from './run-support.js';
import { Supervisor } from './supervisor.js';
import { verify, type Verdict } from './verify.js';
import { phase1, phase2Acks } from './workload.js';

const run$ = promisify(execFile);

export const SCENARIOS = ['kill', 'rebalance', 'cassandra-restart', 'kafka-restart', 'sigterm-drain', 'stalled-writer'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioOptions {
  readonly seed: number;
  /** Intents in phase 1. */
  readonly size: number;
  /** SIGKILLs the kill scenario must reach (≥ 20 in the full run). */
  readonly minKills: number;
  readonly keep: boolean;
  readonly log: (line: string) => void;
}

export interface ScenarioResult extends Verdict {
  readonly scenario: ScenarioName;
  readonly kills: number;
  /** Writers frozen with SIGSTOP and continued later (stalled-writer). */
  readonly stalls: number;
  /** Chunks the continued writers dropped uncommitted because their membership was gone or unconfirmed. */
  readonly fenced_chunks: number;
  readonly restarts: number;
  readonly server_restarts: number;
  readonly bad_drains: string[];
  readonly passed: boolean;
  readonly seconds: number;
}

async function stack(...args: string[]): Promise<void> {
  await run$('bash', ['tools/local-stack/stack.sh', ...args], { cwd: packageRoot(), timeout: 300_000 });
}

/** Until `count` writers reached running (90 s at most). */
async function waitRunning(sup: Supervisor, count = 1): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (sup.running().length < count) {
    if (Date.now() > deadline) throw new Error(`${count} writer(s) did not reach running`);
    await sleep(100);
  }
}

interface FaultStats {
  serverRestarts: number;
  /** Output of the writers that were stalled, read for their fenced chunks. */
  readonly stalled: Array<() => string>;
}

interface Fault {
  /** Runs until `done()` says stop; may assume at least one writer is wanted. */
  loop(sup: Supervisor, done: () => boolean, stats: FaultStats): Promise<void>;
  readonly writers: number;
  /** Pause between phase 1's publish batches (ms); default 150. */
  readonly publishPauseMs?: number;
}

/** The lines a writer logs when it drops a chunk uncommitted (kafka-group.ts). */
const FENCED_LINE = /chunk dropped uncommitted/g;

/** The writers' session timeout in a chaos run (run-support.ts): a stall longer than it gets the member evicted. */
const SESSION_TIMEOUT_MS = 10_000;

const FAULTS: Record<ScenarioName, (o: ScenarioOptions) => Fault> = {
  kill: (o) => ({
    writers: 1,
    async loop(sup, done) {
      while (!done() || sup.kills < o.minKills) {
        await waitRunning(sup);
        await sleep(400 + Math.random() * 2000);
        await sup.kill();
        sup.start();
      }
    },
  }),
  rebalance: () => ({
    writers: 2,
    async loop(sup, done) {
      do {
        await sleep(2000 + Math.random() * 3000);
        const n = sup.children.size;
        if (n < 3 && (n < 2 || Math.random() < 0.5)) sup.start();
        else await sup.term(35_000);
      } while (!done() || sup.terms === 0);
    },
  }),
  'cassandra-restart': () => ({
    writers: 1,
    async loop(sup, done, stats) {
      await sleep(2000);
      // At least one outage, however fast the workload is.
      do {
        await stack('node-stop', '1');
        await sleep(8000);
        await stack('node-start', '1');
        stats.serverRestarts++;
        // A writer that died during the outage is restarted, as its supervisor would.
        if (sup.children.size === 0) sup.start();
        await sleep(15_000);
      } while (!done());
    },
  }),
  'kafka-restart': () => ({
    writers: 1,
    async loop(sup, done, stats) {
      await sleep(2000);
      do {
        await stack('kafka-stop');
        await sleep(8000);
        await stack('kafka-start');
        stats.serverRestarts++;
        // A writer whose consumer gave up during the outage exits; keep one running.
        if (sup.children.size === 0) sup.start();
        await sleep(15_000);
      } while (!done());
    },
  }),
  /**
   * Issue 12's fencing proof: with the database down both writers hold chunks they cannot write.
   * One is frozen (SIGSTOP) past the session timeout, so the group gives its partitions to the
   * other; the database comes back and the other writes them; then the frozen one is continued.
   * It still holds the chunks (and cached pin_stats rows) of its old generation: it must write
   * none of them. Intents keep arriving throughout, so both writers always have work in flight.
   */
  'stalled-writer': () => ({
    writers: 2,
    publishPauseMs: 1000,
    async loop(sup, done, stats) {
      await waitRunning(sup, 2);
      do {
        await sleep(3000);
        await stack('node-stop', '1');
        await sleep(2000);
        const victim = sup.running()[0];
        if (victim) {
          sup.stall(victim);
          stats.stalled.push(victim.output);
        }
        await sleep(SESSION_TIMEOUT_MS + 5000);
        await stack('node-start', '1');
        stats.serverRestarts++;
        // The surviving writer catches up on the victim's partitions before the victim wakes.
        await sleep(10_000);
        if (victim) sup.resume(victim);
        await sleep(5000);
      } while (!done());
    },
  }),
  'sigterm-drain': () => ({
    writers: 1,
    async loop(sup, done) {
      do {
        await waitRunning(sup);
        await sleep(1500 + Math.random() * 1500);
        await sup.term(35_000);
        sup.start();
      } while (!done());
    },
  }),
};

export async function runScenario(name: ScenarioName, o: ScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const run: Run = await setupRun(name);
  const sup = new Supervisor(writeConfigFile(run.config));
  const fault = FAULTS[name](o);
  const model = new Model();
  const produced: StoreOp[] = [];
  const stats: FaultStats = { serverRestarts: 0, stalled: [] };
  let finished = false;
  try {
    const now = Date.now();
    const p1 = phase1(o.seed, o.size, now);
    // sigterm-drain drains a real backlog: produce first, then start the writer.
    if (name === 'sigterm-drain') await publish(run.producer, p1.ops, { batch: 500, pauseMs: 0 });
    for (let i = 0; i < fault.writers; i++) sup.start();
    const faults = fault.loop(sup, () => finished, stats);

    if (name !== 'sigterm-drain') await publish(run.producer, p1.ops, { batch: 100, pauseMs: fault.publishPauseMs ?? 150 });
    produced.push(...p1.ops);
    for (const op of p1.ops) model.apply(op);
    o.log(`${name}: phase 1 published (${p1.ops.length} intents)`);
    await caughtUp(run, 600_000);

    await sweepExpired({
      session: run.store.session,
      ttlShards: run.config.scylla.ttlShards,
      now,
      lookbackHours: 4,
      sink: async (ops) => {
        await publish(run.producer, ops, { batch: 100, pauseMs: 0 });
        produced.push(...ops);
        for (const op of ops) model.apply(op);
      },
    });
    const acks = phase2Acks(o.seed, model, now);
    await publish(run.producer, acks, { batch: 100, pauseMs: 150 });
    produced.push(...acks);
    for (const op of acks) model.apply(op);
    o.log(`${name}: phase 2 published (${acks.length} acks)`);

    finished = true;
    await faults;
    if (sup.children.size === 0) sup.start();
    await caughtUp(run, 600_000);
    await sup.stopAll();
    const verdict = await verify(run, model, produced);
    const passed = verdict.lost === 0 && verdict.duplicated_effects === 0 && verdict.stats_drift === 0 && verdict.unexpected_dlq === 0 && sup.badDrains.length === 0;
    const fenced = stats.stalled.reduce((n, output) => n + (output().match(FENCED_LINE)?.length ?? 0), 0);
    return { scenario: name, ...verdict, kills: sup.kills, stalls: sup.stalls, fenced_chunks: fenced, restarts: sup.restarts, server_restarts: stats.serverRestarts, bad_drains: sup.badDrains, passed, seconds: Math.round((Date.now() - started) / 1000) };
  } finally {
    finished = true;
    await sup.stopAll();
    await run.cleanup(o.keep);
  }
}
