/**
 * Only prepared statements reach the database, checked at the driver's edge: every call into
 * cassandra-driver's Client (execute, batch, eachRow, stream) is recorded while the store, the
 * writer (through Kafka), the TTL sweeper and the stats reconcile do their work against the real
 * servers. Every statement must be sent with `prepare: true` and its values as bind parameters;
 * the only exception is DDL (which CQL cannot prepare), sent by `executeDdl` without values.
 * The static half of the check is test/unit/security/prepared-only.test.ts.
 */
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter } from '../../../consumers/writer/writer.js';
import { createPinProducer } from '../../../producers/index.js';
import { createRegistry } from '../../../src/metrics.js';
import { reconcileStats } from '../../../src/store/reconcile.js';
import { sweepExpired } from '../../../src/store/ttl-sweeper.js';
import { cidV1, opId, peerId } from '../../support/cids.js';
import type { TestPipeline } from '../../support/kafka.js';
import { pipeline } from '../cli/helpers.js';

type Method = 'execute' | 'batch' | 'eachRow' | 'stream';
interface Call {
  readonly method: Method;
  readonly queries: readonly string[];
  readonly params: ReadonlyArray<unknown[] | undefined>;
  readonly prepare: boolean | undefined;
}

const calls: Call[] = [];
const proto = cassandra.Client.prototype as unknown as Record<Method, (...args: unknown[]) => unknown>;
const originals = new Map<Method, (...args: unknown[]) => unknown>();

function record(method: Method, args: unknown[]): void {
  const [first, second, third] = args;
  if (method === 'batch') {
    const items = first as Array<string | { query: string; params?: unknown[] }>;
    const options = (typeof second === 'function' ? undefined : second) as { prepare?: boolean } | undefined;
    calls.push({
      method,
      queries: items.map((q) => (typeof q === 'string' ? q : q.query)),
      params: items.map((q) => (typeof q === 'string' ? undefined : q.params)),
      prepare: options?.prepare,
    });
    return;
  }
  const options = (typeof third === 'function' ? undefined : third) as { prepare?: boolean } | undefined;
  calls.push({ method, queries: [first as string], params: [Array.isArray(second) ? (second as unknown[]) : undefined], prepare: options?.prepare });
}

const DDL = /^\s*(CREATE|ALTER|DROP|TRUNCATE)\s/i;
/** A value written into the query text: a string or blob literal, or a number compared or listed. */
const LITERAL = /'|\b0x[0-9a-f]|(=|<|>|\bIN)\s*\(?\s*-?\d/i;

let p: TestPipeline;

beforeAll(async () => {
  for (const method of ['execute', 'batch', 'eachRow', 'stream'] as const) {
    const original = proto[method];
    originals.set(method, original);
    proto[method] = function (this: unknown, ...args: unknown[]): unknown {
      record(method, args);
      return original.apply(this, args);
    };
  }
  p = await pipeline('sec_prepared');
});
afterAll(async () => {
  await p?.cleanup();
  for (const [method, original] of originals) proto[method] = original;
});

describe('every statement the app sends is prepared', () => {
  it('store, writer, TTL sweep and reconcile run through the recorder', async () => {
    const { store } = p;
    const cid = cidV1('prepared-direct');
    const ttlCid = cidV1('prepared-ttl');
    const peer = peerId('prepared');
    // Direct store calls: every op kind and every read.
    await store.upsertPin(opId('prep'), { cid, name: "it's quoted 'text'", replicationFactorMin: 1, replicationFactorMax: 2 });
    await store.upsertPin(opId('prep'), { cid: ttlCid, expireAt: Date.now() - 3_600_000 });
    await store.setDesiredPlacement(opId('prep'), cid, [peer]);
    await store.ackPlacement(opId('prep'), cid, peer, 'pinned');
    expect((await store.get(cid)).spec.name).toBe("it's quoted 'text'");
    expect(await store.has(cid)).toBe(true);
    expect(await store.getPlacement(cid)).not.toBeNull();
    for await (const pin of store.list()) expect(pin.spec.cid).toBeTruthy();
    for await (const pp of store.listByPeer(peer)) expect(pp.peer).toBe(peer);
    expect((await store.stats()).pins).toBe(2);

    // The writer's path: intents through Kafka, applied in batches.
    const writer = createWriter({ config: p.config, store, registry: createRegistry() });
    const producer = createPinProducer({ config: p.config.kafka, origin: 'prepared-test' });
    await writer.start();
    await producer.connect();
    try {
      const viaKafka = cidV1('prepared-kafka');
      await producer.upsertPin({ cid: viaKafka, name: 'via-kafka' });
      await producer.setDesiredPlacement(viaKafka, [peer]);
      await producer.ackPlacement(viaKafka, peer, 'pinned');
      await producer.deletePin(cid);
      await producer.flush();
      await writer.waitForCaughtUp(120_000);
      expect((await store.get(viaKafka)).spec.name).toBe('via-kafka');
    } finally {
      await producer.disconnect();
      await writer.stop();
    }

    // The TTL sweeper (direct sink) and the stats reconcile.
    const swept = await sweepExpired({ session: store.session, ttlShards: p.config.scylla.ttlShards, sink: async (ops) => void (await store.apply(ops)), lookbackHours: 4 });
    expect(swept.expired).toBe(1);
    await reconcileStats(store.session, p.config.scylla.statsShards, { apply: true });
    expect(calls.length).toBeGreaterThan(50);
  });

  it('every non-DDL statement was sent with prepare: true', () => {
    const unprepared = calls.filter((c) => c.prepare !== true && !c.queries.every((q) => DDL.test(q)));
    expect(unprepared.map((c) => `${c.method}: ${c.queries.join(' | ').slice(0, 120)}`)).toEqual([]);
    expect(calls.some((c) => c.method === 'batch')).toBe(true);
  });

  it('DDL (not preparable) carries no values, and never sits in a batch', () => {
    const ddl = calls.filter((c) => c.queries.some((q) => DDL.test(q)));
    expect(ddl.length).toBeGreaterThan(0);
    for (const c of ddl) {
      expect(c.method).toBe('execute');
      expect(c.params[0] ?? [], c.queries[0]).toEqual([]);
    }
  });

  it('no value is written into the text of a statement: values travel as bind parameters', () => {
    const texts = new Set(calls.flatMap((c) => c.queries).filter((q) => !DDL.test(q)));
    expect([...texts].filter((q) => LITERAL.test(q))).toEqual([]);
    // Statements with values use bind markers, one parameter per marker.
    for (const c of calls) {
      c.queries.forEach((q, i) => {
        if (DDL.test(q)) return;
        const markers = (q.match(/\?/g) ?? []).length;
        expect(c.params[i]?.length ?? 0, q).toBe(markers);
      });
    }
    // A handful of distinct statements is run many times: the shape of a prepared workload.
    expect(texts.size).toBeLessThan(calls.reduce((n, c) => n + c.queries.length, 0) / 2);
  });
});
