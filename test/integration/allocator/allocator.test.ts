/**
 * The allocator against the real broker and database with a real writer. Peers are represented
 * by what agents put on Kafka: PeerHeartbeats on the peers topic (encoded with the codec, as an
 * agent does) and AckPlacements through the producer SDK. The end-to-end run with real agents and
 * kubo belongs to the agent suite.
 */
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { createAllocator, type Allocator } from '../../../src/allocator/allocator.js';
import { decide, type Decision } from '../../../src/allocator/decision.js';
import { pinStatus } from '../../../src/api/pin-status.js';
import { decodePinEvent, encodePeerHeartbeat } from '../../../src/codec/index.js';
import type { PinstateConfig } from '../../../src/config/types.js';
import { readTopic } from '../../../src/kafka/read-topic.js';
import { silentLogger } from '../../../src/log.js';
import { createRegistry } from '../../../src/metrics.js';
import { createPeerRegistry, type PeerRegistry } from '../../../src/peers/registry.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import type { StoredPin } from '../../../src/store/reads.js';
import { cidV1, peerId } from '../../support/cids.js';
import { uniqueName } from '../../support/env.js';
import { runCli } from '../../unit/cli/capture.js';
import { writeCliConfig } from '../cli/helpers.js';
import { createApp } from '../../../src/api/app.js';
import { freshPipeline, type TestPipeline } from '../../support/kafka.js';
import { sleep } from '../../../src/sleep.js';

const PEER_TTL = '3s';
const [A, B, C, D] = ['alloc-A', 'alloc-B', 'alloc-C', 'alloc-D'].map((s) => peerId(s)) as [string, string, string, string];

let p: TestPipeline;
let config: PinstateConfig;
let writer: RunningService;
let hbProducer: Producer;
let intents: PinProducer;
let peers: PeerRegistry;
let allocator: Allocator;
const decisions: Decision[] = [];
const beating = new Map<string, number>();
let beatTimer: NodeJS.Timeout | undefined;

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function beat(peer: string, freeBytes: number): Promise<void> {
  const hb = encodePeerHeartbeat({ peer, agentVersion: 'test-agent', ipfsVersion: '0.43.1', addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${peer}`], freeBytes, repoBytes: 1000, pinned: 0, queued: 0, errors: 0, tags: {}, intervalMs: 500, ts: Date.now() });
  await hbProducer.send({ topic: config.kafka.topics.peers, messages: [{ key: peer, value: hb }], acks: -1 });
}

/** Heartbeats every 500 ms for the peers in `beating`, as agents would send them. */
function startBeating(): void {
  beatTimer = setInterval(() => {
    for (const [peer, free] of beating) void beat(peer, free).catch(() => undefined);
  }, 500);
}

async function placed(cid: string, check: (pin: StoredPin) => boolean, what: string): Promise<StoredPin> {
  return until(what, async () => {
    const pin = await p.store.get(cid).catch(() => undefined);
    return pin !== undefined && check(pin) ? pin : undefined;
  });
}

async function ackPinned(cid: string, peersToAck: readonly string[]): Promise<void> {
  for (const peer of peersToAck) await intents.ackPlacement(cid, peer, 'pinned');
}

/** Each step of the setup is named, so a slow cold start says where it stood (the largest test files run first on a fresh clone). */
let stage = 'start';
const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  stage = name;
  return fn();
};

beforeAll(async () => {
  try {
    await setUp();
  } catch (err: unknown) {
    throw new Error(`allocator test setup failed at "${stage}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}, 170_000);

async function setUp(): Promise<void> {
  const base = uniqueName('alloc');
  p = await step('fresh pipeline', () => freshPipeline('alloc', {
    kafka: { topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events`, peers: `${base}.peers` }, group_id: `${base}-writer` },
    allocator: { peer_ttl: PEER_TTL, check_interval: '200ms', scan_interval: 0, group_id: `${base}-allocator` },
  }));
  config = p.config;
  hbProducer = p.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await step('heartbeat producer', () => hbProducer.connect());
  // Free space: C > B > A; D joins later.
  beating.set(A, 1_000_000).set(B, 2_000_000).set(C, 3_000_000);
  await step('first heartbeats', async () => {
    for (const [peer, free] of beating) await beat(peer, free);
  });
  startBeating();
  writer = await step('writer', () => startService({ config, logger: silentLogger(), registry: createRegistry(), parts: { writer: true, api: false, sweeper: false } }));
  intents = createPinProducer({ config: config.kafka, kafka: p.kafka, origin: 'test-client' });
  await step('intent producer', () => intents.connect());
  peers = createPeerRegistry({ config: config.kafka, kafka: p.kafka, peerTtlMs: 3000, checkIntervalMs: 200 });
  await step('peer registry', () => peers.start());
  allocator = createAllocator({ config, store: p.store, producer: createProducerFor('allocator-1'), peers, kafka: p.kafka, origin: 'allocator-1', onDecision: (d) => decisions.push(d) });
  await step('allocator producers', () => startProducers());
  await step('allocator start', () => allocator.start());
  await step('allocator active', () => until('allocator active', () => Promise.resolve(allocator.state === 'active'), 90_000));
}

const producers: PinProducer[] = [];
function createProducerFor(origin: string): PinProducer {
  const pr = createPinProducer({ config: config.kafka, kafka: p.kafka, origin });
  producers.push(pr);
  return pr;
}
async function startProducers(): Promise<void> {
  for (const pr of producers) if (pr.state === 'idle') await pr.connect();
}

afterAll(async () => {
  if (beatTimer !== undefined) clearInterval(beatTimer);
  await allocator?.stop();
  await peers?.stop();
  for (const pr of producers) await pr.disconnect();
  await intents?.disconnect();
  await hbProducer?.disconnect();
  await writer?.close();
  await p?.cleanup();
}, 120_000);

describe('allocator on real Kafka + Cassandra with a real writer', () => {
  it('places a pin with no placement on rf peers with the most free space', async () => {
    const cid = cidV1('alloc-rf2');
    await intents.upsertPin({ cid, replicationFactorMin: 2, replicationFactorMax: 2 });
    const pin = await placed(cid, (x) => (x.placement?.desired.length ?? 0) === 2, 'two desired peers');
    expect(pin.placement!.desired).toEqual([B, C].sort());
    expect(decisions.filter((d) => d.cid === cid).map((d) => d.cause)).toEqual(['allocate']);
  });

  it('status (CLI and GET /pins/{cid}/status) and peers ls show each peer', async () => {
    const cid = cidV1('alloc-rf2');
    const file = writeCliConfig(config);
    const st = await runCli(['--config', file, 'status', cid, '--json']);
    expect(st.code).toBe(0);
    const status = JSON.parse(st.out) as { peer_map: Record<string, { status: string; live: boolean }>; allocations: string[] };
    expect(status.allocations).toEqual([B, C].sort());
    expect(status.peer_map[B]).toMatchObject({ status: 'pin_queued', live: true });
    expect(status.peer_map[A]).toMatchObject({ status: 'remote', live: true });
    await intents.ackPlacement(cid, B, 'pin_error', { error: 'context deadline exceeded' });
    const app = createApp({ store: p.store, producer: intents, registry: createRegistry(), readiness: { check: () => Promise.resolve({ ready: true, checks: {} }) }, config: { tokens: [], maxBodyBytes: 1024 }, peers });
    const body = await until('pin_error shown', async () => {
      const res = await app.request(`/pins/${cid}/status`);
      const json = (await res.json()) as { peer_map: Record<string, { status: string; error: string | null }> };
      return json.peer_map[B]?.status === 'pin_error' ? json : undefined;
    });
    expect(body.peer_map[B]?.error).toBe('context deadline exceeded');
    expect((await app.request('/pins/not-a-cid/status')).status).toBe(400);
    const ls = await runCli(['--config', file, 'peers', 'ls', '--json']);
    expect(ls.code).toBe(0);
    const listed = ls.out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; live: boolean; freeBytes: number });
    expect(listed.find((x) => x.id === C)).toMatchObject({ live: true, freeBytes: 3_000_000 });
  });

  it('puts an rf -1 pin on every live peer, and a new peer gets it', async () => {
    const cid = cidV1('alloc-everywhere');
    await intents.upsertPin({ cid, replicationFactorMin: -1, replicationFactorMax: -1 });
    await placed(cid, (x) => x.placement?.desired.length === 3, 'on A, B, C');
    await ackPinned(cid, [A, B, C]);
    beating.set(D, 500_000);
    await beat(D, 500_000);
    const pin = await placed(cid, (x) => x.placement?.desired.includes(D) === true, 'on D too');
    expect(pin.placement!.desired).toEqual([A, B, C, D].sort());
    expect(decisions.some((d) => d.cid === cid && d.cause === 'everywhere')).toBe(true);
  });

  it('replaying the same decision has no second effect (op_dedup)', async () => {
    const cid = cidV1('alloc-replay');
    await intents.upsertPin({ cid, replicationFactorMin: 1, replicationFactorMax: 1 });
    const after = await placed(cid, (x) => x.placement?.desired.length === 1, 'one desired peer');
    const first = decisions.find((d) => d.cid === cid)!;
    // The same stored state the allocator decided on gives the same decision and op id.
    const before: StoredPin = { ...after, placement: null };
    const again = decide(before, null, [A, B, C, D].map((peer) => ({ peer, freeBytes: beating.get(peer)! })), config.allocator);
    expect(again?.opId).toBe(first.opId);
    await intents.setDesiredPlacement(cid, again!.peers, { opId: again!.opId });
    await intents.setDesiredPlacement(cid, again!.peers, { opId: again!.opId });
    // A marker op after the replays: once it is applied, the replays were processed too.
    const marker = await intents.upsertPin({ cid: cidV1('alloc-replay-marker'), replicationFactorMin: 1, replicationFactorMax: 1 });
    await until('marker applied', async () => ((await p.store.get(cidV1('alloc-replay-marker')).catch(() => undefined))?.lastOpId === marker ? true : undefined));
    const now = await p.store.get(cid);
    expect(now.placement!.lastOpId).toBe(after.placement!.lastOpId);
    const events = (await readTopic(p.kafka, config.kafka.topics.events)).map((m) => decodePinEvent(m.value!)).filter((e) => e.opId === first.opId);
    expect(events.map((e) => e.outcome)).toEqual(['applied']);
  });

  it('a peer whose heartbeats stop: after peer_ttl its pins below rf_min move to live peers, and it leaves once they hold the pin', async () => {
    const cid = cidV1('alloc-repair');
    await intents.upsertPin({ cid, replicationFactorMin: 2, replicationFactorMax: 2 });
    const pin = await placed(cid, (x) => x.placement?.desired.length === 2, 'placed');
    await ackPinned(cid, pin.placement!.desired);
    const victim = pin.placement!.desired[0]!;
    const survivor = pin.placement!.desired[1]!;
    beating.delete(victim);
    const stoppedAt = Date.now();
    const repaired = await placed(cid, (x) => x.placement?.desired.length === 3, 'a third peer added');
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2500);
    const added = repaired.placement!.desired.find((x) => x !== victim && x !== survivor)!;
    expect(repaired.placement!.desired).toContain(victim);
    expect(decisions.some((d) => d.cid === cid && d.cause === 'repair')).toBe(true);
    await ackPinned(cid, [added]);
    const final = await placed(cid, (x) => x.placement?.desired.includes(victim) === false, 'victim removed');
    expect(final.placement!.desired).toEqual([survivor, added].sort());
    const status = pinStatus(final, peers.snapshot(), config.allocator);
    expect(status.summary.rf_min_met).toBe(true);
    expect(status.peer_map[victim]?.live).toBe(false);
    beating.set(victim, 1_000_000);
  });

  it('two allocators: only one acts, the other takes over when it stops', async () => {
    const second = createAllocator({ config, store: p.store, producer: createProducerFor('allocator-2'), peers, kafka: p.kafka, origin: 'allocator-2', registry: createRegistry() });
    await startProducers();
    await second.start();
    await until('second joined on standby', () => Promise.resolve(second.state === 'standby' && allocator.state === 'active'), 60_000);
    const cid = cidV1('alloc-two');
    await intents.upsertPin({ cid, replicationFactorMin: 1, replicationFactorMax: 1 });
    await placed(cid, (x) => x.placement?.desired.length === 1, 'placed once');
    const events = (await readTopic(p.kafka, config.kafka.topics.events)).map((m) => decodePinEvent(m.value!)).filter((e) => e.cid === cid && e.kind === 'SetDesiredPlacement');
    expect(events.map((e) => e.origin)).toEqual(['allocator-1']);
    await allocator.stop();
    await until('second active', () => Promise.resolve(second.state === 'active'), 60_000);
    const cid2 = cidV1('alloc-two-after');
    await intents.upsertPin({ cid: cid2, replicationFactorMin: 1, replicationFactorMax: 1 });
    await placed(cid2, (x) => x.placement?.desired.length === 1, 'placed by the second');
    const events2 = (await readTopic(p.kafka, config.kafka.topics.events)).map((m) => decodePinEvent(m.value!)).filter((e) => e.cid === cid2 && e.kind === 'SetDesiredPlacement');
    expect(events2.map((e) => e.origin)).toEqual(['allocator-2']);
    await second.stop();
  }, 120_000);
});
