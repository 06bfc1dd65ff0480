/**
 * The producer SDK against the real broker: 1,000 mixed intents (plus acks) from concurrent calls
 * land on fresh topics, each keyed by its CID's mh_prefix, on the partition Kafka's default
 * partitioner picks for that key, with the op ids the calls returned, in per-CID call order.
 */
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { decodeAck, decodeIntent } from '../../../src/codec/index.js';
import type { KafkaConfig } from '../../../src/config/types.js';
import { parseCid } from '../../../src/domain/cid.js';
import type { PinIntent } from '../../../src/domain/messages.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';
import { partitionForKey } from '../../../src/domain/partition.js';
import { validatePinSpec } from '../../../src/domain/pin.js';
import { createRegistry } from '../../../src/metrics.js';
import { cidV0, cidV1, peerId } from '../../support/cids.js';
import { createTopics, deleteTopics, freshKafkaConfig, rawKafka, readAll } from './kafka-helpers.js';

describe('producer SDK → real Kafka', () => {
  let config: KafkaConfig;
  let kafka: Kafka;
  let admin: Admin;
  let producer: PinProducer;
  const registry = createRegistry();

  beforeAll(async () => {
    config = freshKafkaConfig('sdk');
    kafka = rawKafka();
    admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, config);
    // Small batches and a tight pending bound so the run crosses many batches and hits backpressure.
    producer = createPinProducer({ config, registry, origin: peerId('node-1'), maxBatch: 64, maxPending: 200 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    if (admin !== undefined) {
      await deleteTopics(admin, config);
      await admin.disconnect();
    }
  });

  it('delivers 1,000 mixed intents keyed, partitioned and ordered per CID, with the returned op ids', async () => {
    const cids = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? cidV0(`sdk-${i}`) : cidV1(`sdk-${i}`)));
    const peers = Array.from({ length: 6 }, (_, i) => peerId(`sdk-${i}`));
    /** Per CID, the op ids in the order the calls were made. */
    const callOrder = new Map<string, Promise<string>[]>(cids.map((c) => [c, []]));
    const ackCalls: Array<{ cid: string; peer: string; opId: Promise<string> }> = [];
    const replayed: PinIntent[] = [];

    // Five rounds over all CIDs without awaiting: calls for one CID are issued in order but
    // interleaved with every other CID's, so batches mix CIDs and partitions.
    for (let round = 0; round < 5; round++) {
      cids.forEach((cid, i) => {
        const ops = callOrder.get(cid)!;
        const kind = (round + i) % 5;
        if (round === 4 && i % 4 === 0) {
          // The importer/replay path: already-built intents with op ids of their own.
          const intent: PinIntent = { opId: `replay-${i}`, ts: 1_700_000_000_000 + i, origin: 'replay', body: { kind: 'SetDesiredPlacement', cid, peers: [peers[i % 6]!] } };
          replayed.push(intent);
          ops.push(producer.publishIntents([intent]).then((ids) => ids[0]!));
        } else if (kind === 0 || round === 0) {
          ops.push(producer.upsertPin({ cid, name: `pin ${i} r${round}`, replicationFactorMin: 1, replicationFactorMax: 2, tags: [`r${round}`] }));
        } else if (kind === 1 || kind === 2) {
          ops.push(producer.setDesiredPlacement(cid, [peers[(i + round) % 6]!, peers[(i + round + 1) % 6]!]));
        } else if (kind === 3) {
          ops.push(producer.deletePin(cid));
        } else {
          ops.push(producer.upsertPin({ cid, metadata: { round: String(round) } }, { opId: `given-${i}-${round}`, ts: 1_600_000_000_000 + round }));
        }
        if (round === 2 && i % 2 === 0) ackCalls.push({ cid, peer: peers[i % 6]!, opId: producer.ackPlacement(cid, peers[i % 6]!, 'pinned') });
      });
    }
    const expected = new Map<string, string[]>();
    for (const [cid, ops] of callOrder) expected.set(cid, await Promise.all(ops));
    const ackIds = await Promise.all(ackCalls.map((a) => a.opId));
    const allIds = [...expected.values()].flat();
    expect(allIds).toHaveLength(1000);
    expect(new Set(allIds).size).toBe(1000);

    const records = await readAll(kafka, config.topics.intents);
    expect(records).toHaveLength(1000);
    const seen = new Map<string, string[]>();
    const byOpId = new Map<string, PinIntent>();
    for (const r of records) {
      const intent = decodeIntent(r.value);
      const cid = intent.body.kind === 'UpsertPin' ? intent.body.spec.cid : intent.body.cid;
      const key = mhPrefixKey(parseCid(cid).mhPrefix);
      expect(r.key).toBe(key);
      expect(r.partition).toBe(partitionForKey(key, config.partitions.intents));
      byOpId.set(intent.opId, intent);
      // records are in (partition, offset) order, and a CID lives on one partition: this is log order per CID.
      seen.set(cid, [...(seen.get(cid) ?? []), intent.opId]);
    }
    expect(seen).toEqual(expected);
    expect(new Set(records.map((r) => r.partition)).size).toBe(config.partitions.intents);

    // Values are what was asked for: given op ids and ts kept, replayed intents byte-for-byte equal after decoding.
    for (const intent of replayed) expect(byOpId.get(intent.opId)).toEqual(intent);
    const given = byOpId.get('given-1-3')!;
    expect(given).toMatchObject({ ts: 1_600_000_000_003, origin: peerId('node-1') });
    expect(given.body).toEqual({ kind: 'UpsertPin', spec: validatePinSpec({ cid: cids[1]!, metadata: { round: '3' } }) });

    const acks = await readAll(kafka, config.topics.acks);
    expect(acks).toHaveLength(ackCalls.length);
    const ackByOp = new Map(acks.map((r) => [decodeAck(r.value).opId, r]));
    ackCalls.forEach((call, i) => {
      const r = ackByOp.get(ackIds[i]!)!;
      const key = mhPrefixKey(parseCid(call.cid).mhPrefix);
      expect(r.key).toBe(key);
      expect(r.partition).toBe(partitionForKey(key, config.partitions.acks));
      expect(decodeAck(r.value)).toMatchObject({ cid: call.cid, peer: call.peer, state: 'pinned', error: null });
    });

    const metrics = await registry.getMetricsAsJSON();
    const sent = metrics.find((m) => m.name === 'pinstate_producer_sent_total')!.values;
    expect(sent.find((v) => v.labels['topic'] === config.topics.intents)?.value).toBe(1000);
    expect(sent.find((v) => v.labels['topic'] === config.topics.acks)?.value).toBe(ackCalls.length);
    expect(metrics.find((m) => m.name === 'pinstate_producer_errors_total')!.values[0]?.value ?? 0).toBe(0);
  });

  it('rejects bad input without sending and keeps working', async () => {
    const before = (await readAll(kafka, config.topics.intents)).length;
    await expect(producer.setDesiredPlacement(cidV1('bad'), ['not a peer'])).rejects.toMatchObject({ code: 'INVALID_PEER', field: 'peers[0]' });
    const opId = await producer.deletePin(cidV1('after-bad'));
    const after = await readAll(kafka, config.topics.intents);
    expect(after).toHaveLength(before + 1);
    expect(after.some((r) => decodeIntent(r.value).opId === opId)).toBe(true);
  });

  it('fails a send to a topic that does not exist with a retryable error naming the op id', async () => {
    const missing = createPinProducer({ config: { ...config, topics: { ...config.topics, intents: `${config.topics.intents}_missing` } }, origin: 'test' });
    await missing.connect();
    try {
      const err = await missing.deletePin(cidV1('nowhere')).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'ProducerSendError', code: 'KAFKA_UNAVAILABLE' });
      expect((err as { opId: string }).opId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await missing.disconnect();
    }
  });
});
