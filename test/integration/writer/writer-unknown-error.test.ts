/**
 * Issue 12 point 1: a valid intent that meets a database error nobody classified must not be
 * dead-lettered. The fault is injected at the driver (the cassandra-driver Client under the
 * store's session answers with a ResponseError code the session does not classify as retriable,
 * so the store raises INTERNAL) while a real writer consumes real topics into a real keyspace.
 */
import { sleep } from '../../../src/sleep.js';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../../consumers/writer/outputs.js';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import { decodePinEvent } from '../../../src/codec/index.js';
import { groupLag } from '../../../src/kafka/lag.js';
import { createRegistry } from '../../../src/metrics.js';
import type { StoreOp } from '../../../src/store/records.js';
import { dlqTopic, freshPipeline, produceOps, readAll, type TestPipeline } from '../../support/kafka.js';
import { dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';
import { mixedOps } from '../../support/workload.js';

const STATE_TABLES = ['pins_by_cid', 'pins_by_peer', 'pin_ttl_queue', 'pin_stats'] as const;
const OPS: StoreOp[] = mixedOps({ seed: 23, ops: 1200, cids: 200, peers: 6, prefix: 'unk' })
  .filter((op) => op.body.kind !== 'AckPlacement')
  .slice(0, 800);

let p: TestPipeline;
let ref: TestKeyspace;
let writer: Writer;
/** While true, every driver call fails with an error class the session does not know. */
let faulty = false;
let injected = 0;

function injectFaults(client: cassandra.Client): void {
  const execute = client.execute.bind(client);
  const batch = client.batch.bind(client);
  const fail = (): Promise<never> => {
    injected++;
    // `unauthorized` is not among the codes the session retries: before issue 12 this became an INTERNAL dead letter.
    return Promise.reject(new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.unauthorized, 'injected: permission revoked mid-stream'));
  };
  const c = client as unknown as Record<'execute' | 'batch', (...args: unknown[]) => Promise<unknown>>;
  c.execute = (...args) => (faulty ? fail() : (execute as (...a: unknown[]) => Promise<unknown>)(...args));
  c.batch = (...args) => (faulty ? fail() : (batch as (...a: unknown[]) => Promise<unknown>)(...args));
}

const waitUntil = async (what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

beforeAll(async () => {
  [p, ref] = await Promise.all([freshPipeline('wunk', { scylladb: { retry_policy: { num_retries: 1, min_retry_delay: '50ms', max_retry_delay: '200ms' } } }), freshStore('wunk_ref')]);
  injectFaults(p.store.session.client);
  writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  await writer.start();
});
afterAll(async () => {
  faulty = false;
  await writer?.stop();
  await Promise.all([p?.cleanup(), ref?.cleanup()]);
});

describe('writer meets a database error class nobody classified', () => {
  it('retries it instead of dead-lettering: every op is applied once the fault clears, none in the DLQ', async () => {
    const half = OPS.length / 2;
    await produceOps(p.kafka, p.config, OPS.slice(0, half));
    await writer.waitForCaughtUp(120_000);

    faulty = true;
    await produceOps(p.kafka, p.config, OPS.slice(half));
    // The writer hits the fault repeatedly and holds the partitions: nothing past it is committed.
    await waitUntil('the writer to retry the injected fault', () => injected >= 5);
    expect(writer.ready()).toBe(false);
    const lag = (await groupLag(p.admin, p.config.kafka.groupId, [p.config.kafka.topics.intents])).reduce((n, x) => n + x.lag, 0n);
    expect(lag).toBeGreaterThan(0n);

    faulty = false;
    await writer.waitForCaughtUp(120_000);
    expect(writer.ready()).toBe(true);

    // The DLQ holds exactly the ops a fault-free direct apply refuses (the workload's own bad
    // placements), with their input reasons; none of the ops that met the injected fault.
    const refused = new Map<string, string>();
    for (let i = 0; i < OPS.length; i += 400) {
      for (const r of (await ref.store.apply(OPS.slice(i, i + 400))).results) if (r.outcome === 'rejected') refused.set(r.op.opId, r.reason ?? '');
    }
    const dlq = (await readAll(p.kafka, dlqTopic(p.config.kafka, p.config.kafka.topics.intents))).map((m) => [m.headers[DLQ_HEADERS.opId] ?? '', m.headers[DLQ_HEADERS.reason] ?? ''] as const);
    expect(new Map(dlq)).toEqual(refused);
    expect(dlq.filter(([, reason]) => reason === 'INTERNAL')).toEqual([]);

    const seen = new Set((await readAll(p.kafka, p.config.kafka.topics.events)).map((m) => decodePinEvent(m.value!).opId));
    expect(OPS.filter((op) => !seen.has(op.opId))).toEqual([]);
    expect(await dumpKeyspace(p.store.session, STATE_TABLES)).toEqual(await dumpKeyspace(ref.store.session, STATE_TABLES));
  });
});
