import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import { DLQ_HEADERS } from '../../../consumers/writer/outputs.js';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { encodeIntent, encodePlacementChange, releasedRegistry } from '../../../src/codec/index.js';
import { parseCid } from '../../../src/domain/cid.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';
import { partitionForKey } from '../../../src/domain/partition.js';
import { validatePinSpec, type PinSpec } from '../../../src/domain/pin.js';
import { createRegistry } from '../../../src/metrics.js';
import { cidV1, peerId } from '../../support/cids.js';
import { dlqTopic, freshPipeline, produceRaw, readAll, type ReadMessage, type TestPipeline } from '../../support/kafka.js';

let p: TestPipeline;
let writer: Writer;
beforeAll(async () => {
  p = await freshPipeline('writer_dlq');
  writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  await writer.start();
});
afterAll(async () => {
  await writer?.stop();
  await p?.cleanup();
});

const PARTITIONS = 8;
/** A valid CIDv1 whose multihash is sha1 (0x11), which pinstate does not accept. */
const SHA1_CID = CID.createV1(0x55, Digest.create(0x11, new Uint8Array(20).fill(7))).toString();
const keyOf = (cid: string): string => mhPrefixKey(parseCid(cid).mhPrefix);
const partOf = (cid: string): number => partitionForKey(keyOf(cid), PARTITIONS);
/** An upsert whose spec skips validation (the encoder only checks the schema): what a buggy producer sends. */
function rawUpsert(opId: string, spec: Partial<PinSpec> & { cid: string }): Buffer {
  const base = validatePinSpec({ cid: cidV1('base') });
  return encodeIntent({ opId, ts: 1_700_000_000_000, origin: 'bad-producer', body: { kind: 'UpsertPin', spec: { ...base, ...spec } } });
}
const good = (i: number): { cid: string; value: Buffer } => {
  const cid = cidV1(`good-${i}`);
  return { cid, value: encodeIntent({ opId: `good-${i}`, ts: 1_700_000_000_000 + i, origin: 't', body: { kind: 'UpsertPin', spec: validatePinSpec({ cid }) } }) };
};

describe('dead letters', () => {
  it('routes every kind of bad message to the DLQ with its reason code and applies the good ones around them', async () => {
    const target = cidV1('bad-target');
    const valid = encodeIntent({ opId: 'valid-1', ts: 1, origin: 't', body: { kind: 'DeletePin', cid: target } });
    const bad: Array<{ reason: string; value: Buffer | null; cid: string; partition?: number }> = [
      { reason: 'UNDECODABLE', value: Buffer.from('not avro at all'), cid: target },
      { reason: 'UNDECODABLE', value: valid.subarray(0, valid.length - 3), cid: target },
      { reason: 'UNKNOWN_FINGERPRINT', value: Buffer.concat([Buffer.from([0xc3, 0x01]), Buffer.alloc(8, 7), valid.subarray(10)]), cid: target },
      { reason: 'WRONG_SCHEMA', value: encodePlacementChange({ cid: target, peer: peerId(1), desired: true, state: 'pinned', opId: 'x', ts: 1 }), cid: target },
      { reason: 'INVALID_CID', value: rawUpsert('bad-cid', { cid: 'bafy-not-a-cid' }), cid: target },
      { reason: 'INVALID_REPLICATION', value: rawUpsert('bad-rf', { cid: target, replicationFactorMin: 5, replicationFactorMax: 2 }), cid: target },
      { reason: 'OVERSIZED_VALUE', value: rawUpsert('big-meta', { cid: target, metadata: { blob: 'x'.repeat(20_000) } }), cid: target },
      { reason: 'INVALID_PEER', value: encodeIntent({ opId: 'bad-peer', ts: 1, origin: 't', body: { kind: 'SetDesiredPlacement', cid: target, peers: [''] } }), cid: target },
      { reason: 'MISSING_FIELD', value: encodeIntent({ opId: '', ts: 1, origin: 't', body: { kind: 'DeletePin', cid: target } }), cid: target },
      { reason: 'UNDECODABLE', value: null, cid: target },
      { reason: 'MISROUTED', value: encodeIntent({ opId: 'misrouted', ts: 1, origin: 't', body: { kind: 'DeletePin', cid: target } }), cid: target, partition: (partOf(target) + 1) % PARTITIONS },
      { reason: 'PIN_NOT_FOUND', value: encodeIntent({ opId: 'no-pin', ts: 1, origin: 't', body: { kind: 'SetDesiredPlacement', cid: cidV1('never-pinned'), peers: [peerId(2)] } }), cid: cidV1('never-pinned') },
      { reason: 'UNSUPPORTED_HASH', value: rawUpsert('sha1-cid', { cid: SHA1_CID }), cid: target },
      // The same op id as good-0 with other content: a second, different op under a used id.
      { reason: 'OP_ID_CONFLICT', value: encodeIntent({ opId: 'good-0', ts: 1_700_000_000_000, origin: 't', body: { kind: 'UpsertPin', spec: validatePinSpec({ cid: good(0).cid, name: 'other' }) } }), cid: good(0).cid },
    ];
    const messages: Array<{ key: string; value: Buffer | null; partition: number }> = [];
    bad.forEach((b, i) => {
      const g = good(i);
      messages.push({ key: keyOf(g.cid), value: g.value, partition: partOf(g.cid) });
      messages.push({ key: keyOf(b.cid), value: b.value, partition: b.partition ?? partOf(b.cid) });
    });
    await produceRaw(p.kafka, p.config.kafka.topics.intents, messages);
    await writer.waitForCaughtUp(60_000);

    // An ack whose state no release of the schema knows (an enum symbol read as UNKNOWN), on the acks topic.
    const ackTarget = cidV1('ack-target');
    const unknownState = releasedRegistry.family('PlacementAck').encode({ op_id: 'bad-state', ts: 1, cid: ackTarget, peer: peerId(3), state: 'UNKNOWN', error: null });
    await produceRaw(p.kafka, p.config.kafka.topics.acks, [{ key: keyOf(ackTarget), value: unknownState, partition: partOf(ackTarget) }]);
    await writer.waitForCaughtUp(60_000);

    for (let i = 0; i < bad.length; i++) expect(await p.store.has(good(i).cid), `good-${i}`).toBe(true);
    expect((await p.store.get(good(0).cid)).spec.name).toBe('');
    // Dead letters are at least once (a batch redelivered after a rebalance dead-letters its bad
    // messages again), so compare per source message: each one once, with its reason.
    const bySource = (ms: ReadMessage[]): Map<string, string> => new Map(ms.map((m) => [`${m.headers[DLQ_HEADERS.partition]}@${m.headers[DLQ_HEADERS.offset]}`, m.headers[DLQ_HEADERS.reason] ?? '']));
    const ackDlq = await readAll(p.kafka, dlqTopic(p.config.kafka, p.config.kafka.topics.acks));
    expect([...bySource(ackDlq).values()]).toEqual(['INVALID_STATE']);
    const dlq = await readAll(p.kafka, dlqTopic(p.config.kafka, p.config.kafka.topics.intents));
    expect([...bySource(dlq).values()].sort()).toEqual(bad.map((b) => b.reason).sort());
    for (const m of dlq) {
      expect(m.headers[DLQ_HEADERS.topic]).toBe(p.config.kafka.topics.intents);
      expect(Number(m.headers[DLQ_HEADERS.partition])).toBeGreaterThanOrEqual(0);
      expect(m.headers[DLQ_HEADERS.offset]).toMatch(/^\d+$/);
      expect(m.headers[DLQ_HEADERS.message]?.length).toBeGreaterThan(0);
    }
    expect(writer.state).toBe('running');
    const counted = await writer.metrics.dlq.get();
    expect(counted.values.reduce((n, v) => n + v.value, 0)).toBeGreaterThanOrEqual(bad.length + 1);
  });
});
