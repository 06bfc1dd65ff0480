/**
 * Issue #13's acceptance end to end, as an operator runs it: `pinstate start` (writer + allocator +
 * API) and one `pinstate agent --ipfs-api …` per real kubo daemon (tools/ipfs), all as child
 * processes, on the shared real Kafka + Cassandra with this file's own keyspace, topics and groups.
 *
 *   1. `ipfs add` on kubo 1, `pinstate pin add <cid> --rf-min 2 --rf-max 2` with no placement →
 *      exactly two kubo nodes list it (as a pinstate pin) and `pinstate status --json` shows both pinned;
 *   2. one holding agent and its kubo stopped → after allocator.peer_ttl the third node pins it and
 *      status shows rf_min met; the stopped node back → its agent unpins what is no longer its;
 *      `pinstate pin rm` → no kubo node lists it as a pinstate pin;
 *   3. rf -1/-1 → every live peer; a new peer (kubo 4 + its agent) joining gets it.
 *
 * Short timings (peer_ttl 3 s, heartbeats 500 ms) keep the file quick; the figures it logs
 * (`[e2e] …`) are the ones quoted in docs/agent.md ("End to end").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinStatus } from '../../../src/api/pin-status.js';
import { packageRoot } from '../../../src/paths.js';
import { uniqueName } from '../../support/env.js';
import type { TestPipeline } from '../../support/kafka.js';
import { startKubo, stopKubo, type Kubo } from '../../support/kubo.js';
import { apiUrlIn, pipeline, until, writeCliConfig } from '../cli/helpers.js';
import { sleep } from '../../../src/sleep.js';

const ENTRY = join(packageRoot(), 'src/cli/main-entry.ts');
const PIN_NAME = 'pinstate';
const PEER_TTL_MS = 3000;

interface Proc {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly stdout: () => string;
  readonly exited: Promise<number | string>;
}

const procs: Proc[] = [];

/** `pinstate <args…>` as a child process (from source, through tsx). */
function pinstate(args: readonly string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--config', configFile, ...args], {
    cwd: packageRoot(),
    env: { ...process.env, KAFKA_BROKERS: '', SCYLLA_HOSTS: '', PINSTATE_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let out = '';
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), (all += d.toString())));
  child.stderr.on('data', (d: Buffer) => (all += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const proc = { child, output: () => all, stdout: () => out, exited };
  procs.push(proc);
  return proc;
}

/** A one-shot command: exit 0 expected, its stdout. */
async function cli(...args: string[]): Promise<string> {
  const p = pinstate(args);
  const code = await p.exited;
  if (code !== 0) throw new Error(`pinstate ${args.join(' ')} exited ${code}:\n${p.output()}`);
  return p.stdout();
}

let p: TestPipeline;
let kubo: Kubo;
let configFile: string;
let service: Proc;
let api: string;
const agents = new Map<number, Proc>();
const t0 = Date.now();

function log(what: string, sinceMs: number): void {
  console.log(`[e2e] ${what}: ${((Date.now() - sinceMs) / 1000).toFixed(1)} s`);
}

function startAgent(i: number): Proc {
  const a = pinstate(['agent', '--ipfs-api', kubo.node(i).apiUrl]);
  agents.set(i, a);
  return a;
}

async function agentRunning(i: number): Promise<void> {
  const a = agents.get(i)!;
  await until(`agent ${i} running`, () => (a.output().includes('pinstate agent running') ? true : undefined), 120_000, 200);
}

/** Live nodes (of `among`) that hold `cid` as a pin the agent made (name `pinstate:…`). */
async function holders(cid: string, among: readonly number[]): Promise<number[]> {
  const out: number[] = [];
  for (const i of among) {
    const text = await kubo.ipfs(i, 'pin', 'ls', '--type=recursive', '--names', '--enc=json', '--stream');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const v = JSON.parse(line) as { Cid: string; Name?: string };
      if (v.Cid === cid && (v.Name ?? '').startsWith(`${PIN_NAME}:`)) out.push(i);
    }
  }
  return out;
}

/** Every pin of node i (any name): cids. */
async function allPins(i: number): Promise<string[]> {
  return (await kubo.ipfs(i, 'pin', 'ls', '--type=recursive', '-q')).split('\n').filter((l) => l !== '');
}

async function apiStatus(cid: string): Promise<PinStatus | undefined> {
  const res = await fetch(`${api}/pins/${cid}/status`);
  return res.status === 200 ? ((await res.json()) as PinStatus) : undefined;
}

/** Fresh random content added on node 1 without an operator pin (so every pin of it is pinstate's). */
async function addFile(label: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-e2e-'));
  const file = join(dir, `${label}.bin`);
  writeFileSync(file, randomBytes(500_000));
  return kubo.ipfs(1, 'add', '-Q', '--pin=false', file);
}

function peerOf(i: number): string {
  return kubo.node(i).peerId;
}

beforeAll(async () => {
  const base = uniqueName('e2e');
  p = await pipeline('e2e', {
    kafka: {
      topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events`, peers: `${base}.peers` },
      partitions: { intents: 4, acks: 4, placements: 4, events: 2, peers: 1 },
      group_id: `${base}-writer`,
    },
  });
  // Four nodes, the fourth stopped at once: it is the peer that joins in the last test.
  kubo = await startKubo({ nodes: 4 });
  await kubo.node(4).stop();
  configFile = writeCliConfig(p.config, {
    allocator: { peer_ttl: `${PEER_TTL_MS}ms`, check_interval: '200ms', scan_interval: 0, group_id: `${base}-allocator` },
    agent: {
      group_prefix: `${base}-agent`,
      pin_name: PIN_NAME,
      heartbeat_interval: '500ms',
      reconcile_interval: '3s',
      pin_timeout: '20s',
      retry_backoff_min: '200ms',
      retry_backoff_max: '2s',
      drain_timeout: '3s',
    },
  });
  const started = Date.now();
  service = pinstate(['start']);
  for (const i of [1, 2, 3]) startAgent(i);
  api = await until('API address printed', () => apiUrlIn(service.output()), 120_000, 200);
  await until('ready', async () => ((await fetch(`${api}/readyz`)).status === 200 ? true : undefined), 120_000, 200);
  for (const i of [1, 2, 3]) await agentRunning(i);
  log('pinstate start + 3 agents running', started);
}, 300_000);

afterAll(async () => {
  for (const pr of procs) if (pr.child.exitCode === null && pr.child.signalCode === null) pr.child.kill('SIGTERM');
  await Promise.race([Promise.all(procs.map((pr) => pr.exited)), sleep(15_000)]);
  for (const pr of procs) if (pr.child.exitCode === null && pr.child.signalCode === null) pr.child.kill('SIGKILL');
  await stopKubo();
  await p?.cleanup();
  log('whole file', t0);
}, 120_000);

describe('issue #13 end to end: pinstate start + kubo daemons + pinstate agents', () => {
  let cid: string;
  let held: number[];

  it('pin add --rf-min 2 --rf-max 2, no placement → exactly two kubo nodes pin it, status shows both pinned', async () => {
    cid = await addFile('rf2');
    const added = Date.now();
    await cli('pin', 'add', cid, '--name', 'e2e-rf2', '--rf-min', '2', '--rf-max', '2');
    // The acceptance bound: within 30 s.
    held = await until('two nodes pin it', async () => {
      const h = await holders(cid, [1, 2, 3]);
      return h.length === 2 ? h : undefined;
    }, 30_000, 250);
    log('rf 2/2: pin add → 2 kubo nodes pin it', added);
    const status = JSON.parse(await cli('status', cid, '--json')) as PinStatus;
    log('rf 2/2: pin add → pinstate status shows both pinned', added);
    expect(status.cid).toBe(cid);
    expect([...status.allocations].sort()).toEqual(held.map(peerOf).sort());
    for (const i of held) expect(status.peer_map[peerOf(i)]).toMatchObject({ status: 'pinned', desired: true, live: true });
    const third = [1, 2, 3].find((i) => !held.includes(i))!;
    expect(status.peer_map[peerOf(third)]).toMatchObject({ status: 'remote', desired: false });
    expect(status.summary).toMatchObject({ pinned_live: 2, rf_min_met: true, errors: 0 });
    // Still exactly two a moment later (no third pin from a late decision).
    await sleep(1500);
    expect(await holders(cid, [1, 2, 3])).toEqual(held);
  }, 90_000);

  it('a holding agent and its kubo stopped → after peer_ttl the third node pins it, rf_min met; back again, it drops its copy; pin rm → no node lists it', async () => {
    const gone = held[0]!;
    const stays = held[1]!;
    const third = [1, 2, 3].find((i) => !held.includes(i))!;
    const agent = agents.get(gone)!;
    const stopped = Date.now();
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    await kubo.node(gone).stop();
    log(`agent + kubo ${gone} stopped (SIGTERM, ipfs.sh stop)`, stopped);

    await until('the third node pins it', async () => ((await holders(cid, [stays, third])).length === 2 ? true : undefined), PEER_TTL_MS + 40_000, 250);
    log(`re-allocation: agent+kubo ${gone} stopped → node ${third} pins it (peer_ttl ${PEER_TTL_MS} ms)`, stopped);
    const status = await until('status: rf_min met on the live peers, the down peer dropped', async () => {
      const s = await apiStatus(cid);
      return s !== undefined && s.summary.rf_min_met && !s.allocations.includes(peerOf(gone)) ? s : undefined;
    }, 30_000, 250);
    log('re-allocation: down peer removed from the placement', stopped);
    expect([...status.allocations].sort()).toEqual([peerOf(stays), peerOf(third)].sort());
    expect(status.peer_map[peerOf(third)]).toMatchObject({ status: 'pinned', desired: true, live: true });
    expect(status.peer_map[peerOf(gone)]).toMatchObject({ desired: false, live: false });
    const cliStatus = JSON.parse(await cli('status', cid, '--json')) as PinStatus;
    expect(cliStatus.summary).toMatchObject({ pinned_live: 2, rf_min_met: true });
    const registry = (await cli('peers', 'ls', '--json')).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: string; live: boolean });
    expect(registry.map((r) => [r.id, r.live]).sort()).toEqual([1, 2, 3].map((i) => [peerOf(i), i !== gone]).sort());

    // The lost peer comes back: its pin is no longer its placement, so its agent unpins it.
    await kubo.node(gone).start();
    const back = Date.now();
    startAgent(gone);
    await agentRunning(gone);
    await until(`node ${gone} drops its copy`, async () => ((await holders(cid, [gone])).length === 0 ? true : undefined), 60_000, 250);
    log(`returning peer ${gone} unpins its no-longer-placed copy`, back);
    expect(await holders(cid, [1, 2, 3])).toEqual([stays, third].sort());

    const removed = Date.now();
    await cli('pin', 'rm', cid);
    await until('no node lists it', async () => ((await holders(cid, [1, 2, 3])).length === 0 ? true : undefined), 60_000, 250);
    log('pin rm → no kubo node lists it', removed);
    for (const i of [1, 2, 3]) expect(await allPins(i)).not.toContain(cid);
    const pin = await fetch(`${api}/pins/${cid}`);
    expect(pin.status).toBe(404);
  }, 180_000);

  it('rf -1/-1 → every live peer pins it; a new peer (kubo 4 + its agent) joining gets it', async () => {
    const all = await addFile('everywhere');
    const added = Date.now();
    await cli('pin', 'add', all, '--name', 'e2e-everywhere', '--rf-min', '-1', '--rf-max', '-1');
    await until('every live node pins it', async () => ((await holders(all, [1, 2, 3])).length === 3 ? true : undefined), 60_000, 250);
    log('rf -1/-1: pin add → all 3 live nodes pin it', added);

    await kubo.node(4).start();
    const joined = Date.now();
    startAgent(4);
    await agentRunning(4);
    await until('the new peer pins it', async () => ((await holders(all, [4])).length === 1 ? true : undefined), 60_000, 250);
    log('rf -1/-1: new peer (kubo 4 + agent) started → it pins it', joined);
    expect(await holders(all, [1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
    const status = await until('status: 4 pinned, rf_min met', async () => {
      const s = await apiStatus(all);
      return s !== undefined && s.summary.pinned_live === 4 && s.summary.rf_min_met ? s : undefined;
    }, 30_000, 250);
    expect([...status.allocations].sort()).toEqual([1, 2, 3, 4].map(peerOf).sort());
  }, 150_000);
});
