import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { writeSyntheticExport } from '../../../src/migrate/generate-export.js';
import { directSink, kafkaSink } from '../../../src/migrate/import-sinks.js';
import { runImport } from '../../../src/migrate/importer.js';
import { runReplay } from '../../../src/migrate/replay.js';
import { createRegistry } from '../../../src/metrics.js';
import { createStore } from '../../../src/store/store.js';
import { uniqueName } from '../../support/env.js';
import { freshPipeline, readAll, type TestPipeline } from '../../support/kafka.js';
import { dropKeyspace, dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';
import { fixtureCopy, tempDir } from './helpers.js';

const PINS = 1500;
const STATE_TABLES = ['pins_by_cid', 'pins_by_peer', 'pin_ttl_queue', 'pin_stats'] as const;

let p: TestPipeline;
let reference: TestKeyspace;
let writer: Writer;
let producer: PinProducer;
let generated: string;
const replayKeyspaces: string[] = [];

beforeAll(async () => {
  [p, reference] = await Promise.all([freshPipeline('imp_kafka'), freshStore('imp_kref')]);
  writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  await writer.start();
  producer = createPinProducer({ config: p.config.kafka, origin: 'importer', kafka: p.kafka });
  await producer.connect();
  generated = join(tempDir(), 'export.ndjson');
  await writeSyntheticExport(generated, PINS, 'it-kafka');
});
afterAll(async () => {
  await producer?.disconnect();
  await writer?.stop();
  for (const ks of replayKeyspaces) await dropKeyspace(p.config, ks).catch(() => undefined);
  await Promise.all([p?.cleanup(), reference?.cleanup()]);
});

const events = async (): Promise<number> => (await readAll(p.kafka, p.config.kafka.topics.events)).length;

describe('import through pins.intents, and replay (real Kafka + Cassandra)', () => {
  it('an interrupted then resumed import, then the same import again: one event per op, no second event, same state as --direct', async () => {
    const sink = kafkaSink(producer, p.config.kafka.topics.intents);
    const checkpointPath = join(tempDir(), 'ckpt.json');
    const part = await runImport({ input: generated, sink, checkpointPath, batchPins: 100, stopAfter: 700 });
    expect(part.outcome).toBe('interrupted');
    const rest = await runImport({ input: generated, sink, checkpointPath, resume: true });
    expect(rest).toMatchObject({ outcome: 'completed', read: PINS, written: PINS });
    const mixed = await runImport({ input: fixtureCopy('migrate/mixed-export.json'), sink });
    expect(mixed).toMatchObject({ written: 7, rejected: 3 });
    await writer.waitForCaughtUp(120_000);
    const pins = PINS + 7;
    expect(await events()).toBe(2 * pins);
    const once = await dumpKeyspace(p.store.session, STATE_TABLES);
    expect(once['pins_by_cid']).toHaveLength(pins);

    // Again, whole: every intent is a duplicate for the writer.
    await runImport({ input: generated, sink, checkpointPath: join(tempDir(), 'again.json') });
    await writer.waitForCaughtUp(120_000);
    expect(await events()).toBe(2 * pins);
    expect(await dumpKeyspace(p.store.session, STATE_TABLES)).toEqual(once);

    // The Kafka path writes exactly what --direct writes (same op ids, same op times).
    await runImport({ input: generated, sink: directSink(reference.store), checkpointPath: join(tempDir(), 'ref.json') });
    await runImport({ input: fixtureCopy('migrate/mixed-export.json'), sink: directSink(reference.store) });
    expect(await dumpKeyspace(reference.store.session, STATE_TABLES)).toEqual(once);
  });

  it('replay from the beginning into a fresh keyspace gives identical tables and publishes nothing', async () => {
    // Some acks too, published after their intents were applied.
    let acks = 0;
    for await (const pin of p.store.list()) {
      const peer = pin.placement?.desired[0];
      if (peer !== undefined && acks < 200) {
        await producer.ackPlacement(pin.spec.cid, peer, 'pinned');
        acks++;
      }
    }
    await writer.waitForCaughtUp(120_000);
    const live = await dumpKeyspace(p.store.session, STATE_TABLES);
    const eventsBefore = await events();
    const placementsBefore = (await readAll(p.kafka, p.config.kafka.topics.placements)).length;

    const keyspace = uniqueName('replay_ks');
    replayKeyspaces.push(keyspace);
    const report = await runReplay({ config: p.config, keyspace, start: { kind: 'beginning' }, untilCaughtUp: true, kafka: p.kafka, pollMs: 200 });
    const intents = (await readAll(p.kafka, p.config.kafka.topics.intents)).length;
    expect(report).toMatchObject({ keyspace, groupId: `pinstate-replay-${keyspace}`, caughtUp: true, messages: intents + acks, rejected: 0, deadLettered: 0 });
    expect(report.applied).toBe(2 * (PINS + 7) + acks);
    expect(report.deduplicated + report.redelivered).toBe(intents - 2 * (PINS + 7));

    const store = await createStore({ config: p.config.scylla, keyspace });
    try {
      expect(await dumpKeyspace(store.session, STATE_TABLES)).toEqual(live);
    } finally {
      await store.close();
    }
    expect(await events()).toBe(eventsBefore);
    expect((await readAll(p.kafka, p.config.kafka.topics.placements)).length).toBe(placementsBefore);
  });

  it('replay from a timestamp or from offsets starts there', async () => {
    const keyspace = uniqueName('replay_ts');
    replayKeyspaces.push(keyspace);
    const future = await runReplay({ config: p.config, keyspace, start: { kind: 'timestamp', ts: Date.now() + 3_600_000 }, untilCaughtUp: true, kafka: p.kafka, pollMs: 200 });
    expect(future).toMatchObject({ caughtUp: true, messages: 0 });

    const admin = p.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(p.config.kafka.topics.intents);
    await admin.disconnect();
    // All of the intents topic but its last 10 messages of partition 0 are skipped; acks from the start.
    const p0 = ends.find((e) => e.partition === 0)!;
    const offsets = { intents: Object.fromEntries(ends.map((e) => [String(e.partition), e.partition === 0 ? String(Number(p0.high) - 10) : e.high])) };
    const keyspace2 = uniqueName('replay_off');
    replayKeyspaces.push(keyspace2);
    const fromOffsets = await runReplay({ config: p.config, keyspace: keyspace2, start: { kind: 'offsets', offsets }, untilCaughtUp: true, kafka: p.kafka, pollMs: 200 });
    const acks = (await readAll(p.kafka, p.config.kafka.topics.acks)).length;
    expect(fromOffsets.messages).toBe(10 + acks);
  });

  it('refuses the live keyspace and the live group', async () => {
    await expect(runReplay({ config: p.config, keyspace: p.config.scylla.keyspace, start: { kind: 'beginning' } })).rejects.toThrow(/live keyspace/);
    await expect(runReplay({ config: p.config, keyspace: 'other_ks', groupId: p.config.kafka.groupId, start: { kind: 'beginning' } })).rejects.toThrow(/live writer's group/);
  });
});
