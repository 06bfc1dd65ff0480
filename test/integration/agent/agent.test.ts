/**
 * `pinstate agent` against real kubo daemons (tools/ipfs), the real writer, Kafka and Cassandra.
 * The agent runs as a child process (`pinstate agent --ipfs-api …`) so it can be SIGKILLed; kubo
 * node 1 is the agent's node, node 2 holds content that node 1 fetches by bitswap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { decodePeerHeartbeat } from '../../../src/codec/heartbeat-codec.js';
import type { PeerHeartbeat } from '../../../src/domain/messages.js';
import { createRegistry } from '../../../src/metrics.js';
import { packageRoot } from '../../../src/paths.js';
import { cidV1 } from '../../support/cids.js';
import { uniqueName } from '../../support/env.js';
import { freshPipeline, readAll, type TestPipeline } from '../../support/kafka.js';
import { startKubo, stopKubo, type Kubo } from '../../support/kubo.js';
import { rawConfigOf } from '../../support/process.js';
import { sleep } from '../../../src/sleep.js';

let p: TestPipeline;
let writer: Writer;
let producer: PinProducer;
let kubo: Kubo;
let configFile: string;
let peer: string;
const children: ChildProcess[] = [];

interface AgentProc {
  readonly proc: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | string>;
}

function spawnAgent(): AgentProc {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(packageRoot(), 'src/cli/main-entry.ts'), '--config', configFile, 'agent', '--ipfs-api', kubo.node(1).apiUrl, '--metrics-port', '0'], {
    cwd: packageRoot(),
    env: { ...process.env, KAFKA_BROKERS: '', SCYLLA_HOSTS: '', PINSTATE_CONFIG: '', PINSTATE_HEAP_GROWING_PERCENT: '', PINSTATE_HEAP_SEMI_SPACE_MB: '', PINSTATE_REEXECUTED: '', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { proc, output: () => out, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err: unknown) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(250);
  }
}

/** node i's recursive/direct pins: cid → name. */
async function pinsOn(i: number): Promise<Map<string, string>> {
  const text = await kubo.ipfs(i, 'pin', 'ls', '--type=recursive', '--names', '--enc=json', '--stream');
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const v = JSON.parse(line) as { Cid: string; Name?: string };
    out.set(v.Cid, v.Name ?? '');
  }
  return out;
}

/** Adds fresh random content to node i without pinning it there (a pin would make it the operator's). */
async function addContent(i: number, label: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-content-'));
  const file = join(dir, `${label}.bin`);
  writeFileSync(file, randomBytes(300_000));
  return kubo.ipfs(i, 'add', '-Q', `--pin=${i === 1 ? 'false' : 'true'}`, file);
}

async function actual(cid: string): Promise<string | undefined> {
  const placement = await p.store.getPlacement(cid);
  return placement?.actual[peer];
}

const PIN_TIMEOUT = '4s';

beforeAll(async () => {
  const base = uniqueName('agent');
  p = await freshPipeline('agent', {
    kafka: {
      topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events`, peers: `${base}.peers` },
      partitions: { intents: 4, acks: 4, placements: 4, events: 2, peers: 1 },
      group_id: `${base}-writer`,
    },
    scylladb: { stats_shards: 4 },
  });
  writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  await writer.start();
  producer = createPinProducer({ config: p.config.kafka, origin: 'agent-test' });
  await producer.connect();
  kubo = await startKubo({ nodes: 2 });
  peer = kubo.node(1).peerId;
  const raw = rawConfigOf(p.config);
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-agent-'));
  configFile = join(dir, 'pinstate.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      ...raw,
      kafka: { ...(raw['kafka'] as object), topics: { ...p.config.kafka.topics, dlq_suffix: p.config.kafka.topics.dlqSuffix, dlqSuffix: undefined } },
      agent: {
        group_prefix: `${base}-agent`,
        pin_timeout: PIN_TIMEOUT,
        max_retries: 2,
        retry_backoff_min: '200ms',
        retry_backoff_max: '1s',
        reconcile_interval: '5s',
        heartbeat_interval: '1s',
        drain_timeout: '3s',
        tags: ['region=test'],
      },
    }),
  );
}, 300_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await producer?.disconnect();
  await writer?.stop();
  await stopKubo();
  await p?.cleanup();
}, 120_000);

async function place(cid: string, peers: string[], origins: string[] = []): Promise<void> {
  await producer.upsertPin({ cid, name: `agent-test-${cid.slice(-6)}`, origins });
  await producer.setDesiredPlacement(cid, peers);
}

describe('pinstate agent on real kubo', () => {
  let agent: AgentProc;

  it('pins a placement in kubo under its pin name, acks pinned, and heartbeats the node', async () => {
    agent = spawnAgent();
    await until('agent running', () => Promise.resolve(agent.output().includes('pinstate agent running') ? true : undefined), 120_000);
    expect(agent.output()).toContain(`peer ${peer}`);
    // Both heap keys apply to the agent as to the service: the growing policy set by the process
    // itself, and (where node has process.execve) a re-exec in place with the semi-space flag.
    const metricsUrl = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(agent.output())?.[1];
    expect(metricsUrl).toBeDefined();
    expect(metricsUrl).not.toContain(':0/');
    const metrics = await (await fetch(metricsUrl!)).text();
    expect(metrics).toMatch(/^pinstate_nodejs_heap_growing_percent 100$/m);
    const canReexec = typeof (process as unknown as { execve?: unknown }).execve === 'function';
    expect(metrics).toMatch(canReexec ? /^pinstate_nodejs_heap_semi_space_mb 16$/m : /^pinstate_nodejs_heap_semi_space_mb 0$/m);
    expect(agent.output()).toContain(`pinstate agent running (pid ${agent.proc.pid}):`);

    const cid = await addContent(2, 'first');
    await place(cid, [peer], kubo.node(2).swarmAddrs.slice(0, 1));
    await until('pinned in the store', async () => ((await actual(cid)) === 'pinned' ? true : undefined));
    const pins = await pinsOn(1);
    expect(pins.get(cid)).toMatch(/^pinstate:agent-test-/);

    const hb = await until('a heartbeat', async () => {
      const records = await readAll(p.kafka, p.config.kafka.topics.peers);
      const mine = records.filter((r) => r.key?.toString() === peer && r.value !== null).map((r) => decodePeerHeartbeat(r.value!));
      return mine.find((h) => h.pinned >= 1);
    });
    expect(hb).toMatchObject<Partial<PeerHeartbeat>>({ peer, ipfsVersion: '0.43.1', tags: { region: 'test' }, intervalMs: 1000 });
    expect(hb.addresses.length).toBeGreaterThan(0);
    for (const a of hb.addresses) expect(a).toMatch(new RegExp(`/p2p/${peer}$`));
    expect(hb.freeBytes).toBeGreaterThan(0);

    // Removed from the placement → unpinned in kubo and gone from the store.
    await producer.setDesiredPlacement(cid, []);
    await until('unpinned', async () => ((await actual(cid)) === undefined && !(await pinsOn(1)).has(cid) ? true : undefined));
  }, 180_000);

  it("leaves the operator's own pin alone: placed, reported pinned, removed, still pinned in kubo", async () => {
    const cid = await addContent(1, 'operator');
    await kubo.ipfs(1, 'pin', 'add', cid);
    await place(cid, [peer]);
    await until('pinned in the store', async () => ((await actual(cid)) === 'pinned' ? true : undefined));
    expect((await pinsOn(1)).get(cid)).toBe('');
    await producer.setDesiredPlacement(cid, []);
    await until('placement gone', async () => ((await actual(cid)) === undefined ? true : undefined));
    // Give a reconcile pass (every 5 s) the chance to do something wrong.
    await sleep(6000);
    expect((await pinsOn(1)).get(cid)).toBe('');
  }, 120_000);

  it("a CID no node has → pin_error with kubo's message after the pin timeout; the agent keeps running", async () => {
    const missing = cidV1(uniqueName('agent-missing'));
    await place(missing, [peer]);
    const placement = await until('pin_error', async () => {
      const pl = await p.store.getPlacement(missing);
      return pl?.actual[peer] === 'pin_error' ? pl : undefined;
    });
    expect(placement.errors[peer]).toMatch(/context deadline exceeded/);
    expect(agent.proc.exitCode).toBeNull();
    await producer.setDesiredPlacement(missing, []);
    await until('placement gone', async () => ((await actual(missing)) === undefined ? true : undefined));
  }, 120_000);

  it('SIGKILL mid-pin, restart → converges: pinned once, nothing else unpinned', async () => {
    const operatorCid = await addContent(1, 'operator-2');
    await kubo.ipfs(1, 'pin', 'add', operatorCid);
    // Content no node has yet: the pin hangs in kubo (then times out and is retried) while we kill the agent.
    const dir = mkdtempSync(join(tmpdir(), 'agent-content-'));
    const file = join(dir, 'later.bin');
    writeFileSync(file, randomBytes(300_000));
    const cid = await kubo.ipfs(2, 'add', '-Q', '--only-hash', file);
    await place(cid, [peer], kubo.node(2).swarmAddrs.slice(0, 1));
    // Killed while pinning, or between the retries of a timed-out pin.
    await until('pinning', async () => (['pinning', 'pin_error'].includes((await actual(cid)) ?? '') ? true : undefined));
    agent.proc.kill('SIGKILL');
    expect(await agent.exited).toBe('SIGKILL');
    // Now node 2 has it; the restarted agent's reconcile finds the placement not pinned and pins it.
    expect(await kubo.ipfs(2, 'add', '-Q', file)).toBe(cid);

    agent = spawnAgent();
    await until('pinned after restart', async () => ((await actual(cid)) === 'pinned' ? true : undefined), 90_000);
    const pins = await pinsOn(1);
    expect(pins.get(cid)).toMatch(/^pinstate:/);
    expect(pins.get(operatorCid)).toBe('');
    const listed = (await kubo.ipfs(1, 'pin', 'ls', '--type=recursive', '-q')).split('\n').filter((l) => l === cid);
    expect(listed).toHaveLength(1);
  }, 180_000);

  it('kubo restart → converges (a placement made while kubo was down gets pinned)', async () => {
    await until('agent running', () => Promise.resolve(agent.output().includes('pinstate agent running') ? true : undefined), 60_000);
    const cid = await addContent(2, 'restart');
    await kubo.node(1).stop();
    await place(cid, [peer], kubo.node(2).swarmAddrs.slice(0, 1));
    await sleep(3000);
    await kubo.node(1).start();
    await until('pinned after kubo restart', async () => ((await actual(cid)) === 'pinned' && (await pinsOn(1)).has(cid) ? true : undefined), 90_000);
    expect(agent.proc.exitCode).toBeNull();
  }, 180_000);

  it('SIGTERM → heartbeats go on through the drain, a last heartbeat, exit 0', async () => {
    // A pin kubo cannot finish (no node has the CID): the drain waits out drain_timeout (3 s).
    const missing = cidV1(uniqueName('agent-draining'));
    await place(missing, [peer]);
    await until('pinning', async () => ((await actual(missing)) === 'pinning' ? true : undefined));
    const before = (await readAll(p.kafka, p.config.kafka.topics.peers)).length;
    const termAt = Date.now();
    agent.proc.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    const exitAt = Date.now();
    expect(agent.output()).toContain('pinstate agent: stopped');
    const after = await readAll(p.kafka, p.config.kafka.topics.peers);
    expect(after.length).toBeGreaterThan(before);
    const last = decodePeerHeartbeat(after[after.length - 1]!.value!);
    expect(last.peer).toBe(peer);
    // A draining agent is alive: with heartbeat_interval 1 s, a drain of about 3 s carries beats
    // besides the last one, so the registry never sees it down mid-drain (peer_ttl) and up again.
    expect(exitAt - termAt).toBeGreaterThan(2_000);
    const beatsWhileStopping = after.slice(before).map((m) => decodePeerHeartbeat(m.value!)).filter((h) => h.peer === peer && h.ts >= termAt);
    expect(beatsWhileStopping.length, JSON.stringify(beatsWhileStopping.map((h) => h.ts - termAt))).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
