import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import { decodePinEvent, decodePlacementChange } from '../../../src/codec/index.js';
import { createRegistry } from '../../../src/metrics.js';
import { deleteOp, upsertOp } from '../../../src/store/ops.js';
import { cidV1, opId } from '../../support/cids.js';
import { freshPipeline, produceOps, readAll, type TestPipeline } from '../../support/kafka.js';
import { dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';
import { mixedOps } from '../../support/workload.js';

// Intents only: a CID's intents share a partition, so the outcome is fully determined by the log.
const OPS = mixedOps({ seed: 7, ops: 14_500, cids: 800, peers: 8, prefix: 'wr' })
  .filter((op) => op.body.kind !== 'AckPlacement')
  .slice(0, 10_000);
const STATE_TABLES = ['pins_by_cid', 'pins_by_peer', 'pin_ttl_queue', 'pin_stats'] as const;

let p: TestPipeline;
let reference: TestKeyspace;
let writer: Writer;

beforeAll(async () => {
  [p, reference] = await Promise.all([freshPipeline('writer_e2e'), freshStore('writer_ref')]);
  writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  await writer.start();
});
afterAll(async () => {
  await writer?.stop();
  await Promise.all([p?.cleanup(), reference?.cleanup()]);
});

describe('writer', () => {
  it(`applies ${OPS.length} mixed intents exactly as a direct single run would, one event per op`, async () => {
    await produceOps(p.kafka, p.config, OPS);
    await writer.waitForCaughtUp(240_000);

    // The same ops applied directly, in log order per CID, give the same rows and write times.
    for (let i = 0; i < OPS.length; i += 500) await reference.store.apply(OPS.slice(i, i + 500));
    expect(await dumpKeyspace(p.store.session, STATE_TABLES)).toEqual(await dumpKeyspace(reference.store.session, STATE_TABLES));

    const events = (await readAll(p.kafka, p.config.kafka.topics.events)).map((m) => decodePinEvent(m.value!));
    const perOp = new Map<string, number>();
    for (const e of events) perOp.set(e.opId, (perOp.get(e.opId) ?? 0) + 1);
    expect(perOp.size).toBe(OPS.length);
    expect([...perOp.values()].every((n) => n === 1)).toBe(true);
    expect(events.every((e) => e.source?.topic === p.config.kafka.topics.intents)).toBe(true);

    // Folding the placement changes per (cid, peer) gives each CID's final desired set.
    const changes = (await readAll(p.kafka, p.config.kafka.topics.placements)).map((m) => ({ key: m.key!.toString(), c: decodePlacementChange(m.value!) }));
    expect(changes.every(({ key, c }) => key === c.peer)).toBe(true);
    const last = new Map<string, boolean>();
    // readAll keeps each partition in log order, and all changes of one peer share a partition.
    for (const { c } of changes) last.set(`${c.cid} ${c.peer}`, c.desired);
    const desired = new Set<string>();
    for await (const pin of p.store.list()) for (const peer of pin.placement?.desired ?? []) desired.add(`${pin.spec.cid} ${peer}`);
    for (const [k, v] of last) if (v) expect(desired.has(k), k).toBe(true);
    for (const k of desired) expect(last.get(k), k).toBe(true);
  });

  it('the same intents produced again (same op ids): no second effect, no second event', async () => {
    const before = await dumpKeyspace(p.store.session, STATE_TABLES);
    const eventsBefore = (await readAll(p.kafka, p.config.kafka.topics.events)).length;
    await produceOps(p.kafka, p.config, OPS.slice(0, 2000));
    await writer.waitForCaughtUp(120_000);
    expect(await dumpKeyspace(p.store.session, STATE_TABLES)).toEqual(before);
    expect((await readAll(p.kafka, p.config.kafka.topics.events)).length).toBe(eventsBefore);
  });

  it('upsert then delete of one CID in one batch: the pin is gone', async () => {
    const cid = cidV1('up-then-down');
    await produceOps(p.kafka, p.config, [upsertOp(opId(), { cid }), deleteOp(opId(), cid)]);
    await writer.waitForCaughtUp(60_000);
    expect(await p.store.has(cid)).toBe(false);
  });
});
