import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ChunkProcessor, type Chunk, type ChunkPorts, type CommitPosition } from '../../../consumers/writer/chunk-processor.js';
import { DLQ_HEADERS, type TopicMessages } from '../../../consumers/writer/outputs.js';
import type { Backoff } from '../../../src/retry.js';
import { encodeIntent } from '../../../src/codec/index.js';
import { parseCid } from '../../../src/domain/cid.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';
import { partitionForKey } from '../../../src/domain/partition.js';
import { validatePinSpec } from '../../../src/domain/pin.js';
import { PinstateError, ValidationError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/log.js';
import { createRegistry, writerMetrics } from '../../../src/metrics.js';
import type { CommitResult } from '../../../src/store/commit.js';
import type { StoreOp } from '../../../src/store/records.js';
import { rng } from '../../support/workload.js';
import { cidV1 } from '../../support/cids.js';

const PARTITIONS = 4;
const TOPIC = 'pins.intents';
const DLQ = 'pins.intents.dlq';
const cid = cidV1('chunk');
const PARTITION = partitionForKey(mhPrefixKey(parseCid(cid).mhPrefix), PARTITIONS);

const intent = (opId: string): Buffer => encodeIntent({ opId, ts: 1000, origin: 'peer', body: { kind: 'UpsertPin', spec: validatePinSpec({ cid, name: opId }) } });

function chunkOf(opIds: readonly (string | null)[], generation = 1): Chunk {
  return {
    topic: TOPIC,
    partition: PARTITION,
    generation,
    messages: opIds.map((id, i) => ({ offset: String(100 + i), key: null, value: id === null ? Buffer.from('garbage') : intent(id) })),
  };
}

const applied = (ops: readonly StoreOp[]): CommitResult => ({
  results: ops.map((op) => ({ op, outcome: 'applied', reason: null, message: null, event: null, placementChanges: [] })),
  applied: ops.length,
  rejected: 0,
  duplicates: 0,
  redelivered: 0,
});

const rebalance = (): Error => new KafkaJSProtocolError({ message: 'rebalance', type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false } as never);
const tooLarge = (): Error => new KafkaJSProtocolError({ message: 'too large', type: 'MESSAGE_TOO_LARGE', code: 10, retriable: false } as never);
const unknownCql = (): Error => new PinstateError('INTERNAL', 'database: some driver error nobody classified');

/** Fakes of every port, scripted per call; records what happened. */
class Harness {
  readonly applyCalls: StoreOp[][] = [];
  readonly published: TopicMessages[][] = [];
  readonly commits: CommitPosition[] = [];
  heartbeats = 0;
  commitCalls = 0;
  waits = 0;
  live = true;
  /** Whether the membership lease is held; a successful heartbeat renews it. */
  lease = true;
  /** Calls of the fence the processor hands to apply, per apply call: whether each threw. */
  readonly fenceThrew: boolean[] = [];
  /** Runs inside apply before the fence is tried (e.g. the process "stalls" and the lease expires). */
  duringApply: (call: number) => void = () => undefined;
  /** Per apply call: an error to throw, or undefined to succeed. Can depend on the ops. */
  applyScript: (ops: readonly StoreOp[], call: number) => Error | undefined = () => undefined;
  heartbeatScript: (call: number) => Error | undefined = () => undefined;
  publishScript: (call: number) => Error | undefined = () => undefined;
  commitScript: (call: number) => Error | undefined = () => undefined;
  /** Runs after each wait (backoff): lets a test change the world mid-retry. */
  onWait: (n: number) => void = () => undefined;
  readonly registry = createRegistry();
  readonly processor = new ChunkProcessor({
    backoff: this.backoff(),
    metrics: writerMetrics(this.registry),
    logger: silentLogger(),
    roleOf: () => 'intents',
    partitionsOf: () => PARTITIONS,
    dlqTopicOf: () => DLQ,
    outputTopics: { events: 'pins.events', placements: 'pins.placements' },
    publishOutputs: true,
    heartbeatIntervalMs: 60_000,
  });

  private backoff(): Backoff {
    return {
      delayMs: () => 0,
      wait: () => {
        this.waits++;
        this.onWait(this.waits);
        return Promise.resolve();
      },
    };
  }

  ports(): ChunkPorts {
    return {
      apply: (ops, beforeSend) => {
        this.applyCalls.push([...ops]);
        this.duringApply(this.applyCalls.length);
        // Like the store: the fence runs before the write request goes out.
        try {
          beforeSend();
          this.fenceThrew.push(false);
        } catch (err: unknown) {
          this.fenceThrew.push(true);
          return Promise.reject(err instanceof Error ? err : new Error(String(err)));
        }
        const err = this.applyScript(ops, this.applyCalls.length);
        return err === undefined ? Promise.resolve(applied(ops)) : Promise.reject(err);
      },
      publish: (messages) => {
        const err = this.publishScript(this.published.length + 1);
        this.published.push(messages);
        return err === undefined ? Promise.resolve() : Promise.reject(err);
      },
      commit: (position) => {
        const err = this.commitScript(++this.commitCalls);
        if (err !== undefined) return Promise.reject(err);
        this.commits.push(position);
        return Promise.resolve();
      },
      heartbeat: () => {
        this.heartbeats++;
        const err = this.heartbeatScript(this.heartbeats);
        if (err === undefined) this.lease = true;
        return err === undefined ? Promise.resolve() : Promise.reject(err);
      },
      isLive: () => this.live,
      leaseHeld: () => this.live && this.lease,
    };
  }

  run(chunk: Chunk) {
    return this.processor.process(chunk, this.ports());
  }

  dlq(): Array<{ reason: string | undefined; opId: string | undefined }> {
    return this.published.length === 0
      ? []
      : this.published[this.published.length - 1]!.filter((t) => t.topic === DLQ).flatMap((t) => t.messages.map((m) => ({ reason: m.headers?.[DLQ_HEADERS.reason], opId: m.headers?.[DLQ_HEADERS.opId] })));
  }
}

/** A chunk of `opIds` for a CID of its own; its partition is where that CID routes. */
function chunkForCid(seed: string, opIds: ReadonlyArray<string | null>, firstOffset = 100): Chunk {
  const c = cidV1(seed);
  const partition = partitionForKey(mhPrefixKey(parseCid(c).mhPrefix), PARTITIONS);
  const value = (opId: string): Buffer => encodeIntent({ opId, ts: 1000, origin: 'peer', body: { kind: 'UpsertPin', spec: validatePinSpec({ cid: c, name: opId }) } });
  return { topic: TOPIC, partition, generation: 1, messages: opIds.map((id, i) => ({ offset: String(firstOffset + i), key: null, value: id === null ? Buffer.from('garbage') : value(id) })) };
}

/** Chunks of distinct partitions, one per op-id list. */
function chunksOfDistinctPartitions(lists: ReadonlyArray<ReadonlyArray<string | null>>): Chunk[] {
  const out: Chunk[] = [];
  for (let seed = 0; out.length < lists.length; seed++) {
    const c = chunkForCid(`group-${seed}`, lists[out.length]!);
    if (!out.some((o) => o.partition === c.partition)) out.push(c);
  }
  return out;
}

describe('ChunkProcessor', () => {
  it('applies, publishes, then commits the offset after the last message', async () => {
    const h = new Harness();
    expect(await h.run(chunkOf(['a', 'b', 'c']))).toEqual({ kind: 'committed', next: '103' });
    expect(h.applyCalls.map((c) => c.map((op) => op.opId))).toEqual([['a', 'b', 'c']]);
    expect(h.commits).toEqual([{ topic: TOPIC, partition: PARTITION, offset: '103' }]);
  });

  it('dead-letters undecodable messages with their reason and commits past them', async () => {
    const h = new Harness();
    expect(await h.run(chunkOf(['a', null]))).toMatchObject({ kind: 'committed', next: '102' });
    expect(h.dlq()).toEqual([{ reason: 'UNDECODABLE', opId: undefined }]);
  });

  it('an input refusal of the batch: op by op, only the refused op is dead-lettered, with its code', async () => {
    const h = new Harness();
    h.applyScript = (ops) => (ops.some((op) => op.opId === 'bad') ? new ValidationError('INVALID_FIELD', 'spec.name', 'refused') : undefined);
    expect(await h.run(chunkOf(['a', 'bad', 'c']))).toMatchObject({ kind: 'committed', next: '103' });
    expect(h.applyCalls.map((c) => c.map((op) => op.opId))).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    expect(h.dlq()).toEqual([{ reason: 'INVALID_FIELD', opId: 'bad' }]);
  });

  it('an unclassified database error is retried with backoff, never dead-lettered: the op is applied once the fault clears', async () => {
    const h = new Harness();
    h.applyScript = (_ops, call) => (call <= 3 ? unknownCql() : undefined);
    expect(await h.run(chunkOf(['a', 'b']))).toMatchObject({ kind: 'committed' });
    expect(h.applyCalls).toHaveLength(4);
    expect(h.waits).toBe(3);
    // A heartbeat the coordinator answered precedes every retry.
    expect(h.heartbeats).toBe(3);
    expect(h.dlq()).toEqual([]);
    expect(h.processor.health().database).toBe(true);
  });

  it('a non-PinstateError from apply (a bug, a foreign error) is retried, not dead-lettered as INTERNAL', async () => {
    const h = new Harness();
    h.applyScript = (_ops, call) => (call === 1 ? new TypeError('boom') : undefined);
    expect(await h.run(chunkOf(['a']))).toMatchObject({ kind: 'committed' });
    expect(h.dlq()).toEqual([]);
  });

  it('a retriable database error marks the database unhealthy while it lasts', async () => {
    const h = new Harness();
    let healthDuringOutage: boolean | undefined;
    h.applyScript = (_ops, call) => (call === 1 ? new PinstateError('DB_UNAVAILABLE', 'down') : undefined);
    h.onWait = () => (healthDuringOutage = h.processor.health().database);
    await h.run(chunkOf(['a']));
    expect(healthDuringOutage).toBe(false);
    expect(h.processor.health().database).toBe(true);
  });

  it('a fatal database error fails the writer: nothing published, nothing committed', async () => {
    const h = new Harness();
    h.applyScript = () => new PinstateError('SCHEMA_MISMATCH', 'schema 3 expected');
    const out = await h.run(chunkOf(['a']));
    expect(out.kind).toBe('failed');
    expect(h.published).toEqual([]);
    expect(h.commits).toEqual([]);
  });

  it('a rebalance seen by the heartbeat between retries drops the chunk: no further write, no commit', async () => {
    const h = new Harness();
    h.applyScript = () => new PinstateError('DB_UNAVAILABLE', 'down');
    h.heartbeatScript = () => rebalance();
    expect(await h.run(chunkOf(['a']))).toEqual({ kind: 'dropped', reason: 'rejoin' });
    expect(h.applyCalls).toHaveLength(1);
    expect(h.commits).toEqual([]);
    expect(h.published).toEqual([]);
  });

  it('an expired membership lease is renewed by a heartbeat the coordinator answers before the first write', async () => {
    const h = new Harness();
    h.lease = false;
    expect(await h.run(chunkOf(['a']))).toMatchObject({ kind: 'committed' });
    expect(h.heartbeats).toBe(1);
    expect(h.fenceThrew).toEqual([false]);
  });

  it('an expired lease whose heartbeat says the group moved on (a stalled member was evicted): dropped before any write', async () => {
    const h = new Harness();
    h.lease = false;
    h.heartbeatScript = () => new KafkaJSProtocolError({ message: 'unknown member', type: 'UNKNOWN_MEMBER_ID', code: 25, retriable: false } as never);
    expect(await h.run(chunkOf(['a']))).toEqual({ kind: 'dropped', reason: 'rejoin' });
    expect(h.applyCalls).toEqual([]);
    expect(h.published).toEqual([]);
    expect(h.commits).toEqual([]);
  });

  it('a lease that expires during the apply (the process stalled mid-chunk) stops the write unsent: dropped, nothing published or committed', async () => {
    const h = new Harness();
    h.duringApply = () => (h.lease = false);
    expect(await h.run(chunkOf(['a', 'b']))).toEqual({ kind: 'dropped', reason: 'fenced' });
    expect(h.fenceThrew).toEqual([true]);
    expect(h.published).toEqual([]);
    expect(h.commits).toEqual([]);
  });

  it('a heartbeat that cannot reach the coordinator keeps an expired lease unconfirmed: no write until one is answered', async () => {
    const h = new Harness();
    h.lease = false;
    h.heartbeatScript = (call) => (call <= 2 ? new KafkaJSConnectionError('coordinator down') : undefined);
    expect(await h.run(chunkOf(['a']))).toMatchObject({ kind: 'committed' });
    expect(h.heartbeats).toBe(3);
    expect(h.waits).toBe(2);
    expect(h.fenceThrew).toEqual([false]);
  });

  it('a heartbeat that cannot reach the coordinator holds the write until membership is confirmed', async () => {
    const h = new Harness();
    h.applyScript = (_ops, call) => (call === 1 ? new PinstateError('DB_UNAVAILABLE', 'down') : undefined);
    h.heartbeatScript = (call) => (call <= 2 ? new KafkaJSConnectionError('coordinator down') : undefined);
    expect(await h.run(chunkOf(['a']))).toMatchObject({ kind: 'committed' });
    expect(h.heartbeats).toBe(3);
    expect(h.applyCalls).toHaveLength(2);
  });

  it('fencing: a chunk whose partition was lost during the outage is not written again and not committed', async () => {
    const h = new Harness();
    h.applyScript = () => new PinstateError('DB_UNAVAILABLE', 'down');
    h.onWait = (n) => {
      if (n === 2) h.live = false;
    };
    expect(await h.run(chunkOf(['a']))).toEqual({ kind: 'dropped', reason: 'fenced' });
    expect(h.applyCalls).toHaveLength(2);
    expect(h.commits).toEqual([]);
  });

  it('fencing: a chunk that is no longer ours when it reaches the commit is not committed', async () => {
    const h = new Harness();
    h.publishScript = () => {
      h.live = false;
      return undefined;
    };
    // The undecodable message gives the chunk something to publish.
    expect(await h.run(chunkOf(['a', null]))).toEqual({ kind: 'dropped', reason: 'fenced' });
    expect(h.published).toHaveLength(1);
    expect(h.commits).toEqual([]);
  });

  it('a stale chunk is not even applied', async () => {
    const h = new Harness();
    h.live = false;
    expect(await h.run(chunkOf(['a']))).toEqual({ kind: 'dropped', reason: 'fenced' });
    expect(h.applyCalls).toEqual([]);
  });

  it('publish: retriable errors are retried (publish unhealthy meanwhile), refusals fail without a commit', async () => {
    const h = new Harness();
    let healthy: boolean | undefined;
    h.publishScript = (call) => (call === 1 ? new KafkaJSConnectionError('broker down') : undefined);
    h.onWait = () => (healthy = h.processor.health().publish);
    expect(await h.run(chunkOf(['a', null]))).toMatchObject({ kind: 'committed' });
    expect(healthy).toBe(false);
    expect(h.processor.health().publish).toBe(true);

    const g = new Harness();
    g.publishScript = () => tooLarge();
    expect((await g.run(chunkOf(['a', null]))).kind).toBe('failed');
    expect(g.published).toHaveLength(1);
    expect(g.commits).toEqual([]);
    expect(g.processor.health().publish).toBe(false);
  });

  it('commit: retriable errors are retried, a rebalance drops the chunk', async () => {
    const h = new Harness();
    h.commitScript = (call) => (call === 1 ? new KafkaJSConnectionError('coordinator down') : undefined);
    expect(await h.run(chunkOf(['a']))).toMatchObject({ kind: 'committed' });
    expect(h.commits).toHaveLength(1);

    const g = new Harness();
    g.commitScript = () => rebalance();
    expect(await g.run(chunkOf(['a']))).toEqual({ kind: 'dropped', reason: 'rejoin' });
  });

  it('never commits past an op that was neither applied nor dead-lettered for an input reason (random faults)', async () => {
    const rand = rng(42);
    const kinds = ['ok', 'ok', 'retriable', 'internal', 'input', 'fatal'] as const;
    for (let run = 0; run < 300; run++) {
      const h = new Harness();
      const ids = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => `op${run}-${i}`);
      const appliedIds = new Set<string>();
      let calls = 0;
      const fault = (): Error | undefined => {
        // Past 40 calls the database is healthy again, so every run ends.
        if (++calls > 40) return undefined;
        const kind = kinds[Math.floor(rand() * kinds.length)]!;
        if (kind === 'ok') return undefined;
        if (kind === 'retriable') return new PinstateError('DB_TIMEOUT', 't');
        if (kind === 'internal') return unknownCql();
        if (kind === 'input') return new ValidationError('INVALID_FIELD', 'spec', 'no');
        return rand() < 0.3 ? new PinstateError('CONFIG_INVALID', 'c') : undefined;
      };
      h.applyScript = (ops) => {
        const err = fault();
        // The fake store applies a call's ops exactly when it does not throw.
        if (err === undefined) for (const op of ops) appliedIds.add(op.opId);
        return err;
      };
      h.heartbeatScript = () => (rand() < 0.05 ? rebalance() : undefined);
      h.onWait = () => {
        if (rand() < 0.03) h.live = false;
      };
      const out = await h.run(chunkOf(ids));
      if (out.kind !== 'committed') {
        expect(h.commits).toEqual([]);
        continue;
      }
      const dead = new Set(h.dlq().map((d) => d.opId));
      for (const d of h.dlq()) expect(d.reason).toBe('INVALID_FIELD');
      for (const id of ids) expect(appliedIds.has(id) || dead.has(id)).toBe(true);
    }
  });
});

describe('ChunkProcessor.processGroup (small chunks of several partitions together)', () => {
  it('one apply of every chunk\'s ops, one publish, then each chunk\'s own offset committed', async () => {
    const h = new Harness();
    // b's second message is undecodable: its dead letter goes out in the group's one publish.
    const chunks = chunksOfDistinctPartitions([['a1', 'a2'], ['b1', null], ['c1', 'c2', 'c3']]);
    const ports = h.ports();
    const out = await h.processor.processGroup(chunks.map((chunk) => ({ chunk, ports })));
    expect(out).toEqual([
      { kind: 'committed', next: '102' },
      { kind: 'committed', next: '102' },
      { kind: 'committed', next: '103' },
    ]);
    expect(h.applyCalls.map((c) => c.map((op) => op.opId))).toEqual([['a1', 'a2', 'b1', 'c1', 'c2', 'c3']]);
    expect(h.published).toHaveLength(1);
    expect(h.dlq()).toEqual([{ reason: 'UNDECODABLE', opId: undefined }]);
    expect(h.commits).toEqual(chunks.map((c, i) => ({ topic: TOPIC, partition: c.partition, offset: ['102', '102', '103'][i] })));
  });

  it('a chunk no longer owned is dropped on its own before the apply; the others are applied and committed', async () => {
    const h = new Harness();
    const chunks = chunksOfDistinctPartitions([['a1'], ['b1']]);
    const ports = h.ports();
    const lostPartition = chunks[1]!.partition;
    const out = await h.processor.processGroup(chunks.map((chunk) => ({ chunk, ports: { ...ports, isLive: (c: Chunk) => c.partition !== lostPartition } })));
    expect(out).toEqual([{ kind: 'committed', next: '101' }, { kind: 'dropped', reason: 'fenced' }]);
    expect(h.applyCalls.map((c) => c.map((op) => op.opId))).toEqual([['a1']]);
    expect(h.commits.map((c) => c.partition)).toEqual([chunks[0]!.partition]);
  });

  it('one chunk of the group lost during the apply: the fence stops the whole write unsent, nothing published or committed', async () => {
    const h = new Harness();
    const chunks = chunksOfDistinctPartitions([['a1'], ['b1']]);
    const ports = h.ports();
    let lost = false;
    h.duringApply = () => (lost = true);
    const out = await h.processor.processGroup(chunks.map((chunk, i) => ({ chunk, ports: { ...ports, isLive: () => !(lost && i === 1) } })));
    expect(out).toEqual([{ kind: 'dropped', reason: 'fenced' }, { kind: 'dropped', reason: 'fenced' }]);
    expect(h.fenceThrew).toEqual([true]);
    expect(h.published).toEqual([]);
    expect(h.commits).toEqual([]);
  });

  it('an input refusal inside a group: op by op, only the refused op is dead-lettered, every chunk committed', async () => {
    const h = new Harness();
    h.applyScript = (ops) => (ops.some((op) => op.opId === 'bad') ? new ValidationError('INVALID_FIELD', 'spec.name', 'refused') : undefined);
    const chunks = chunksOfDistinctPartitions([['a1', 'bad'], ['b1']]);
    const ports = h.ports();
    const out = await h.processor.processGroup(chunks.map((chunk) => ({ chunk, ports })));
    expect(out.map((o) => o.kind)).toEqual(['committed', 'committed']);
    expect(h.dlq()).toEqual([{ reason: 'INVALID_FIELD', opId: 'bad' }]);
    expect(h.commits).toHaveLength(2);
  });

  it('a database outage retries the whole group; a fatal publish error fails every chunk without a commit', async () => {
    const h = new Harness();
    h.applyScript = (_ops, call) => (call === 1 ? new PinstateError('DB_UNAVAILABLE', 'down') : undefined);
    h.publishScript = () => tooLarge();
    const chunks = chunksOfDistinctPartitions([['a1'], ['b1', null]]);
    const ports = h.ports();
    const out = await h.processor.processGroup(chunks.map((chunk) => ({ chunk, ports })));
    expect(out.map((o) => o.kind)).toEqual(['failed', 'failed']);
    expect(h.applyCalls).toHaveLength(2);
    expect(h.commits).toEqual([]);
  });
});

describe('ChunkProcessor.processGroupAsync (the offset commit left in flight)', () => {
  /** A commit port that holds every commit until the test releases it. */
  function heldCommits(h: Harness): { ports: ChunkPorts; release: () => void; sent: CommitPosition[] } {
    const sent: CommitPosition[] = [];
    const waiting: Array<() => void> = [];
    const ports: ChunkPorts = {
      ...h.ports(),
      commit: (position) => {
        sent.push(position);
        return new Promise<void>((resolve) => waiting.push(resolve));
      },
    };
    return { ports, sent, release: () => waiting.splice(0).forEach((r) => r()) };
  }

  it('resolves once applied and published, with the commit started after the publish and still in flight', async () => {
    const h = new Harness();
    const held = heldCommits(h);
    let commitsAtPublish = -1;
    const ports: ChunkPorts = {
      ...held.ports,
      publish: (messages) => {
        commitsAtPublish = held.sent.length;
        h.published.push(messages);
        return Promise.resolve();
      },
    };
    const chunk = chunkOf([null]);
    const [out] = await h.processor.processGroupAsync([{ chunk, ports }]);
    expect(commitsAtPublish).toBe(0);
    expect(out).toMatchObject({ kind: 'published', next: '101' });
    await Promise.resolve();
    expect(held.sent).toEqual([{ topic: TOPIC, partition: PARTITION, offset: '101' }]);
    let settled = false;
    const commit = (out as { commit: Promise<unknown> }).commit.then((c) => ((settled = true), c));
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    held.release();
    expect(await commit).toEqual({ kind: 'committed', next: '101' });
  });

  it("a partition's commits go one after another in start order, even when the first one is retried", async () => {
    const h = new Harness();
    const sent: string[] = [];
    let first = true;
    let releaseFirst!: () => void;
    const firstFails = new Promise<void>((resolve) => (releaseFirst = resolve));
    const ports: ChunkPorts = {
      ...h.ports(),
      commit: async (position) => {
        sent.push(position.offset);
        if (first) {
          first = false;
          await firstFails;
          throw new KafkaJSConnectionError('coordinator down');
        }
      },
    };
    const [a] = await h.processor.processGroupAsync([{ chunk: chunkOf(['a']), ports }]);
    const later: Chunk = { ...chunkOf(['b']), messages: [{ offset: '105', key: null, value: intent('b') }] };
    const [b] = await h.processor.processGroupAsync([{ chunk: later, ports }]);
    await new Promise((r) => setTimeout(r, 5));
    // The second commit waits for the first, which is still failing: nothing of it is sent yet.
    expect(sent).toEqual(['101']);
    releaseFirst();
    expect(await (a as { commit: Promise<unknown> }).commit).toEqual({ kind: 'committed', next: '101' });
    expect(await (b as { commit: Promise<unknown> }).commit).toEqual({ kind: 'committed', next: '106' });
    // The retry of 101 went before 106: the committed offset never moves back.
    expect(sent).toEqual(['101', '101', '106']);
  });

  it('a commit that finds the partition gone settles as dropped, and a refused one as failed', async () => {
    const h = new Harness();
    const [out] = await h.processor.processGroupAsync([{ chunk: chunkOf(['a']), ports: { ...h.ports(), commit: () => Promise.reject(rebalance()) } }]);
    expect(await (out as { commit: Promise<unknown> }).commit).toEqual({ kind: 'dropped', reason: 'rejoin' });
    const g = new Harness();
    const [bad] = await g.processor.processGroupAsync([{ chunk: chunkOf(['a']), ports: { ...g.ports(), commit: () => Promise.reject(tooLarge()) } }]);
    expect(await (bad as { commit: Promise<unknown> }).commit).toMatchObject({ kind: 'failed' });
  });
});
