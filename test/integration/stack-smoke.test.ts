/**
 * Proves the local stack (and any external one the suite is pointed at) does what the rest of
 * the integration suite relies on: kafkajs 2.2.4 against the broker (admin, idempotent producer,
 * a committing consumer group, offset fetch) and the Node cassandra-driver against CQL
 * (schema, prepared statements, LWT).
 */
import cassandra from 'cassandra-driver';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers, localDc, scyllaHosts, scyllaPort, uniqueName } from '../support/env.js';
import { waitForMetadata } from '../../src/kafka/topics.js';

describe('Kafka (kafkajs)', () => {
  const topic = uniqueName('smoke');
  const groupId = uniqueName('smoke_group');
  const kafka = new Kafka({ clientId: 'pinstate-smoke', brokers: kafkaBrokers(), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    await admin.connect();
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    const topics = await admin.listTopics();
    if (topics.includes(topic)) await admin.deleteTopics({ topics: [topic] });
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates, lists and describes a topic', async () => {
    // Not kafkajs's waitForLeaders: it retries only LEADER_NOT_AVAILABLE, and a just-created topic
    // on a busy broker can also answer UNKNOWN_TOPIC_OR_PARTITION for a moment (seen in a test run).
    const created = await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: false });
    expect(created).toBe(true);
    await waitForMetadata(admin, [topic]);
    expect(await admin.listTopics()).toContain(topic);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics).toHaveLength(1);
    expect(meta.topics[0]!.name).toBe(topic);
    expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);
    for (const p of meta.topics[0]!.partitions) expect(p.leader).toBeGreaterThanOrEqual(0);
  });

  it('round-trips keyed messages: idempotent producer → consumer group that commits → fetchOffsets', async () => {
    const sent = [
      { partition: 0, key: 'k0', value: 'v0' },
      { partition: 1, key: 'k1', value: 'v1' },
      { partition: 0, key: 'k2', value: 'v2' },
      { partition: 0, key: 'k3', value: 'v3' },
      { partition: 1, key: 'k4', value: 'v4' },
    ];
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const meta = await producer.send({
      topic,
      acks: -1,
      messages: sent.map((m) => ({ ...m, headers: { 'x-seq': m.key } })),
    });
    expect(meta.every((r) => r.errorCode === 0)).toBe(true);

    const received: { partition: number; offset: string; key: string; value: string; seq: string }[] = [];
    consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const allIn = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${sent.length} messages after 60 s`)), 60_000);
      void consumer!.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          let last: string | undefined;
          for (const m of batch.messages) {
            received.push({
              partition: batch.partition,
              offset: m.offset,
              key: m.key?.toString() ?? '',
              value: m.value?.toString() ?? '',
              seq: m.headers?.['x-seq']?.toString() ?? '',
            });
            payload.resolveOffset(m.offset);
            last = m.offset;
          }
          // Commit the next offset to read, as the writer does after its database write.
          if (last !== undefined) {
            await consumer!.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
          }
          await payload.heartbeat();
          if (received.length >= sent.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await allIn;

    const sortKey = (r: { partition: number; offset: string }): number => r.partition * 1_000 + Number(r.offset);
    expect([...received].sort((a, b) => sortKey(a) - sortKey(b))).toEqual([
      { partition: 0, offset: '0', key: 'k0', value: 'v0', seq: 'k0' },
      { partition: 0, offset: '1', key: 'k2', value: 'v2', seq: 'k2' },
      { partition: 0, offset: '2', key: 'k3', value: 'v3', seq: 'k3' },
      { partition: 1, offset: '0', key: 'k1', value: 'v1', seq: 'k1' },
      { partition: 1, offset: '1', key: 'k4', value: 'v4', seq: 'k4' },
    ]);

    await consumer.disconnect();
    consumer = undefined;
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets).toHaveLength(1);
    expect(offsets[0]!.topic).toBe(topic);
    expect(offsets[0]!.partitions.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: '2' },
    ]);
    const ends = await admin.fetchTopicOffsets(topic);
    expect(ends.map(({ partition, high }) => ({ partition, high })).sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, high: '3' },
      { partition: 1, high: '2' },
    ]);
  });
});

describe('Cassandra / ScyllaDB (cassandra-driver)', () => {
  const keyspace = uniqueName('smoke');
  const client = new cassandra.Client({
    contactPoints: scyllaHosts(),
    protocolOptions: { port: scyllaPort() },
    localDataCenter: localDc(),
  });

  beforeAll(async () => {
    await client.connect();
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', '${localDc()}': 1}`,
    );
    await client.execute(
      `CREATE TABLE ${keyspace}.pins (cid blob, peer text, state text, updated timestamp, PRIMARY KEY (cid, peer))`,
    );
  });

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('writes with a prepared statement and reads the rows back', async () => {
    const cid = Buffer.from('0155a0e40220', 'hex');
    const updated = new Date('2025-01-02T03:04:05.678Z');
    const insert = `INSERT INTO ${keyspace}.pins (cid, peer, state, updated) VALUES (?, ?, ?, ?)`;
    await client.execute(insert, [cid, 'peer-a', 'pinned', updated], { prepare: true });
    await client.execute(insert, [cid, 'peer-b', 'queued', updated], { prepare: true });

    const rs = await client.execute(`SELECT cid, peer, state, updated FROM ${keyspace}.pins WHERE cid = ?`, [cid], { prepare: true });
    expect(rs.rows.map((r) => ({ cid: r['cid'] as Buffer, peer: r['peer'] as string, state: r['state'] as string, updated: r['updated'] as Date }))).toEqual([
      { cid, peer: 'peer-a', state: 'pinned', updated },
      { cid, peer: 'peer-b', state: 'queued', updated },
    ]);
  });

  it('applies a lightweight transaction once', async () => {
    const cid = Buffer.from('01551220ff', 'hex');
    const lwt = `INSERT INTO ${keyspace}.pins (cid, peer, state) VALUES (?, ?, ?) IF NOT EXISTS`;
    const first = await client.execute(lwt, [cid, 'peer-a', 'pinned'], { prepare: true });
    const second = await client.execute(lwt, [cid, 'peer-a', 'unpinned'], { prepare: true });
    expect(first.wasApplied()).toBe(true);
    expect(second.wasApplied()).toBe(false);
    const row = (await client.execute(`SELECT state FROM ${keyspace}.pins WHERE cid = ? AND peer = ?`, [cid, 'peer-a'], { prepare: true })).first();
    expect(row['state']).toBe('pinned');
  });
});
