/**
 * Scenario plumbing for the multi-DC suite: a fresh NetworkTopologyStrategy keyspace and fresh
 * topics (on the shared Kafka) per scenario, configs per data center, real writer processes,
 * publishing with counted producer errors, group lag, /readyz, and the summary lines.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Admin } from 'kafkajs';
import { loadConfig } from '../../../src/config/index.js';
import type { PinstateConfig } from '../../../src/config/types.js';
import { DLQ_HEADERS } from '../../../consumers/writer/outputs.js';
import { PinstateError, type ErrorCode } from '../../../src/errors.js';
import { createKafka, dlqTopic } from '../../../src/kafka/client.js';
import { readTopic } from '../../../src/kafka/read-topic.js';
import { groupLag } from '../../../src/kafka/lag.js';
import { ensureTopics, plannedTopics } from '../../../src/kafka/topics.js';
import { packageRoot } from '../../../src/paths.js';
import { applySchema } from '../../../src/store/migrate.js';
import type { StoreOp } from '../../../src/store/records.js';
import { openSession } from '../../../src/store/session.js';
import { createStore, type PinStore } from '../../../src/store/store.js';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { toIntent, type Run } from '../../../tools/chaos/run-support.js';
import type { Child } from '../../support/process.js';
import { DC1_HOSTS, DC2_HOSTS, ensureSchemaAgreement } from './cluster.js';

import { sleep } from '../../../src/sleep.js';
export { sleep };

export const kafkaBrokers = (): string[] => (process.env['PINSTATE_MULTIDC_KAFKA'] ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);

export const NTS_DC1_3_DC2_1 = { class: 'NetworkTopologyStrategy', dc1: 3, dc2: 1 } as const;

export interface ConfigOptions {
  readonly keyspace: string;
  /** Base of topic names and the group id. */
  readonly base: string;
  readonly localDc: 'dc1' | 'dc2';
  readonly replication?: Record<string, unknown>;
  readonly apiPort?: number;
}

/** The config a scenario runs with, in the file format (also written for writer processes). */
export function rawConfig(o: ConfigOptions): Record<string, unknown> {
  return {
    log_level: 'info',
    scylladb: {
      hosts: o.localDc === 'dc1' ? DC1_HOSTS : DC2_HOSTS,
      port: 9042,
      keyspace: o.keyspace,
      local_dc: o.localDc,
      consistency: 'LOCAL_QUORUM',
      serial_consistency: 'LOCAL_SERIAL',
      replication: o.replication ?? NTS_DC1_3_DC2_1,
      peer_bucket_bits: 4,
      stats_shards: 8,
      ttl_shards: 8,
      timeout: '5s',
      retry_policy: { num_retries: 3, min_retry_delay: '100ms', max_retry_delay: '2s' },
    },
    kafka: {
      brokers: kafkaBrokers(),
      topics: { intents: `${o.base}.intents`, acks: `${o.base}.acks`, placements: `${o.base}.placements`, events: `${o.base}.events`, peers: `${o.base}.peers` },
      partitions: { intents: 8, acks: 8, placements: 4, events: 4 },
      group_id: `${o.base}-writer`,
    },
    writer: { max_batch_ops: 200, drain_timeout: '20s', session_timeout: '10s', heartbeat_interval: '1s' },
    api: { host: '127.0.0.1', port: o.apiPort ?? 0 },
  };
}

export function configOf(o: ConfigOptions): PinstateConfig {
  return loadConfig({ env: {}, overrides: rawConfig(o) });
}

export function writeConfigFile(o: ConfigOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-multidc-'));
  const file = join(dir, 'pinstate.json');
  writeFileSync(file, JSON.stringify(rawConfig(o), null, 2));
  return file;
}

export function uniqueBase(scenario: string): string {
  return `mdc_${scenario.replace(/[^a-z0-9]/g, '')}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function retrying<T>(what: string, fn: () => Promise<T>, attempts = 6, delayMs = 2000): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err: unknown) {
      if (i >= attempts) throw err;
      process.stderr.write(`multidc: ${what} failed (${err instanceof Error ? err.message : String(err)}); retrying\n`);
      await sleep(delayMs);
    }
  }
}

export interface MultiDcRun extends Run {
  readonly base: string;
  readonly keyspace: string;
  /** Config options for a writer or reader in the given DC (same keyspace, topics and group). */
  options(localDc: 'dc1' | 'dc2', apiPort?: number): ConfigOptions;
  /** A store whose session's local DC is `localDc` (closed by cleanup). */
  storeIn(localDc: 'dc1' | 'dc2'): Promise<PinStore>;
}

/** Fresh keyspace ({dc1:3, dc2:1} unless given) + topics + producer; the run's store reads in dc1. */
export async function setupMultiDcRun(scenario: string, replication?: Record<string, unknown>): Promise<MultiDcRun> {
  const base = uniqueBase(scenario);
  const keyspace = base;
  const options = (localDc: 'dc1' | 'dc2', apiPort?: number): ConfigOptions => ({ keyspace, base, localDc, ...(replication ? { replication } : {}), ...(apiPort ? { apiPort } : {}) });
  const config = configOf(options('dc1'));
  // No DDL while a node is still catching up with the previous scenario's schema changes.
  await ensureSchemaAgreement();
  await applySchema({ config: config.scylla });
  await waitSchemaAgreement(config);
  const store = await createStore({ config: config.scylla });
  const extraStores: PinStore[] = [];
  const kafka = createKafka({ config: config.kafka });
  const admin: Admin = kafka.admin();
  await admin.connect();
  // The broker is shared and busy (other suites create and delete topics): retry transient errors.
  await retrying('creating the topics', () => ensureTopics(admin, config.kafka));
  const producer = createPinProducer({ config: config.kafka, origin: 'multidc', lingerMs: 2 });
  await producer.connect();
  return {
    base,
    keyspace,
    config,
    store,
    kafka,
    admin,
    producer,
    options,
    async storeIn(localDc) {
      if (localDc === 'dc1') return store;
      const s = await createStore({ config: configOf(options(localDc)).scylla });
      extraStores.push(s);
      return s;
    },
    async cleanup(keep) {
      await producer.disconnect().catch(() => undefined);
      if (!keep) await admin.deleteTopics({ topics: plannedTopics(config.kafka).map((t) => t.topic) }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      for (const s of extraStores) await s.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      if (!keep) {
        await ensureSchemaAgreement();
        const s = await openSession({ config: config.scylla });
        await s.executeDdl(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
        await s.shutdown();
      }
    },
  };
}

/**
 * Waits until every node reports the same schema version. The driver waits up to 10 s after each
 * DDL; a node restarted by the previous scenario can take longer to catch up with new keyspaces.
 */
export async function waitSchemaAgreement(config: PinstateConfig, timeoutMs = 120_000): Promise<void> {
  const s = await openSession({ config: config.scylla });
  try {
    const metadata = s.client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
    const deadline = Date.now() + timeoutMs;
    while (!(await metadata.checkSchemaAgreement())) {
      if (Date.now() > deadline) throw new Error(`no schema agreement after ${timeoutMs} ms`);
      await sleep(500);
    }
  } finally {
    await s.shutdown();
  }
}

/** A real writer process (`consumers/writer/main.ts`), config from the file only. */
export function spawnWriterProcess(configFile: string, options: { http?: boolean } = {}): Child {
  const root = packageRoot();
  // Only the file decides: no SCYLLA_* / KAFKA_* / PINSTATE_* variable of the caller leaks in
  // (a SCYLLA_LOCAL_DC=dc1 in the shell would otherwise turn a dc2 writer into a dc1 writer).
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SCYLLA_|KAFKA_|PINSTATE_)/.test(k)) env[k] = v;
  env['PINSTATE_CONFIG'] = configFile;
  const args = ['--import', 'tsx', join(root, 'consumers/writer/main.ts'), ...(options.http ? ['--http'] : [])];
  const proc = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { proc, output: () => text, exited };
}

export async function waitWriterRunning(child: Child, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/pinstate writer running/.test(child.output())) {
    if (child.proc.exitCode !== null) throw new Error(`writer exited during start:\n${child.output().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`writer not running after ${timeoutMs} ms:\n${child.output().slice(-4000)}`);
    await sleep(100);
  }
}

/** SIGTERM (graceful drain), SIGKILL after `boundMs`; resolves with the exit code. */
export async function stopWriter(child: Child, boundMs = 30_000): Promise<number | string> {
  if (child.proc.exitCode !== null) return child.proc.exitCode;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), boundMs);
  const code = await child.exited;
  clearTimeout(timer);
  return code;
}

/** Keeps a writer's output under the suite's folder (logs/<name>.log); returns the path. */
export function saveLog(child: Child, name: string): string {
  const file = join(dirname(summaryFile()), 'logs', `${name}.log`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, child.output());
  return file;
}

/** Database-related log lines (pino JSON, warn or above) of a writer, by message (dead letters and Kafka noise left out). */
export function logCounts(output: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const rec = JSON.parse(line) as { level?: number; msg?: string };
      if ((rec.level ?? 0) >= 40 && /cql|database|batch refused|cannot be applied/.test(rec.msg ?? '')) out[rec.msg ?? '?'] = (out[rec.msg ?? '?'] ?? 0) + 1;
    } catch {
      // not a log record
    }
  }
  return out;
}

export interface PublishStats {
  sent: number;
  /** Calls on the producer SDK that threw (each was retried with the same op ids). */
  errors: number;
}

/**
 * Publishes ops through the producer SDK in order, `batch` at a time with `pauseMs` between
 * batches; a failed call is counted, then retried with the same op ids.
 */
export async function publishCounting(producer: PinProducer, ops: readonly StoreOp[], options: { batch: number; pauseMs: number; stats?: PublishStats; stop?: () => boolean }): Promise<PublishStats> {
  const stats = options.stats ?? { sent: 0, errors: 0 };
  for (let i = 0; i < ops.length; i += options.batch) {
    if (options.stop?.()) break;
    const chunk = ops.slice(i, i + options.batch);
    for (let attempt = 0; ; attempt++) {
      try {
        const intents = chunk.filter((op) => op.body.kind !== 'AckPlacement');
        if (intents.length > 0) await producer.publishIntents(intents.map(toIntent));
        await Promise.all(
          chunk.flatMap((op) => (op.body.kind === 'AckPlacement' ? [producer.ackPlacement(op.body.cid, op.body.peer, op.body.state, { opId: op.opId, ts: op.ts, error: op.body.error })] : [])),
        );
        break;
      } catch (err: unknown) {
        stats.errors++;
        if (attempt > 120) throw err;
        await sleep(500);
      }
    }
    stats.sent += chunk.length;
    if (options.pauseMs > 0) await sleep(options.pauseMs);
  }
  return stats;
}

/**
 * Dead letters written for a reason other than bad input (INTERNAL, DB_*): a valid op the writer
 * gave up on. The oracle check compares op-id sets only, so an op the rules reject anyway could
 * hide one; this counts them by reason header, per reason.
 */
export async function infraDeadLetters(run: MultiDcRun): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const topic of [run.config.kafka.topics.intents, run.config.kafka.topics.acks]) {
    for (const m of await readTopic(run.kafka, dlqTopic(run.config.kafka, topic))) {
      const reason = m.headers[DLQ_HEADERS.reason] ?? '?';
      if (new PinstateError(reason as ErrorCode, '').isInputError) continue;
      const key = `${reason} ${m.headers[DLQ_HEADERS.opId] ?? '?'}`;
      out[key] = (out[key] ?? 0) + 1;
    }
  }
  return out;
}

export interface LagView {
  readonly committed: bigint;
  readonly end: bigint;
  readonly lag: bigint;
}

export async function lagOf(run: MultiDcRun): Promise<LagView> {
  const parts = await groupLag(run.admin, run.config.kafka.groupId, [run.config.kafka.topics.intents, run.config.kafka.topics.acks]);
  return parts.reduce((a, p) => ({ committed: a.committed + p.committed, end: a.end + p.end, lag: a.lag + p.lag }), { committed: 0n, end: 0n, lag: 0n });
}

export async function waitCaughtUp(run: MultiDcRun, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await lagOf(run)).lag === 0n) return Date.now() - t0;
    } catch {
      // ask again
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`writer group ${run.config.kafka.groupId} not caught up after ${timeoutMs} ms`);
    await sleep(250);
  }
}

export async function readyz(port: number): Promise<{ status: number; body: unknown }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.json() };
  } catch (err: unknown) {
    return { status: 0, body: String(err) };
  }
}

/** Where summary lines go (tools/multidc/run.sh prints them at the end). */
export function summaryFile(): string {
  return process.env['PINSTATE_MULTIDC_SUMMARY'] ?? join(packageRoot(), '.local/multidc-stack/summary.jsonl');
}

export interface ScenarioSummary {
  readonly scenario: string;
  readonly passed: boolean;
  readonly ops_produced: number;
  readonly ops_applied: number;
  readonly lost: number;
  readonly [k: string]: unknown;
}

/** Prints `PASS <scenario>: produced N, applied N, lost 0, ...` and appends the JSON to the summary file. */
export function recordSummary(s: ScenarioSummary): string {
  const { scenario, passed, ops_produced, ops_applied, lost, ...rest } = s;
  const extra = Object.entries(rest).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const line = `${passed ? 'PASS' : 'FAIL'} ${scenario}: produced ${ops_produced}, applied ${ops_applied}, lost ${lost}${extra.length ? `, ${extra.join(', ')}` : ''}`;
  const file = summaryFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ ...s, line, at: new Date().toISOString() })}\n`);
  process.stdout.write(`${line}\n`);
  return line;
}
