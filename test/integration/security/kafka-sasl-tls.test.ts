/**
 * The Kafka connection against the real local broker's SASL listeners (docs/security.md):
 * SASL_SSL on :9192 (SASL/PLAIN over TLS, certificate from the local test CA) and
 * SASL_PLAINTEXT on :9193. The client is the app's own createKafka(), configured through
 * `kafka.sasl` and `kafka.tls` as the service configures it.
 */
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KafkaConfig, PinstateConfig } from '../../../src/config/types.js';
import { createKafka } from '../../../src/kafka/client.js';
import { ensureTopics, plannedTopics, waitForMetadata } from '../../../src/kafka/topics.js';
import { uniqueName } from '../../support/env.js';
import { describeSecure, secure, secureConfig, skipReason, untrustedCa } from './helpers.js';

let config: PinstateConfig;
let kafka: Kafka;
let admin: Admin;
const topic = uniqueName('sec_kafka');

/** Failures should surface at once, not after kafkajs's 8 retries. */
const fast = { connection_timeout: '3s', request_timeout: '5s' };

/** What admin.connect() + a metadata call does with this client config: undefined if it worked, else the error. */
async function tryConnect(kc: KafkaConfig): Promise<Error | undefined> {
  const a = createKafka({ config: kc }).admin({ retry: { retries: 0 } });
  try {
    await a.connect();
    await a.describeCluster();
    return undefined;
  } catch (err: unknown) {
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    await a.disconnect().catch(() => undefined);
  }
}

describeSecure(`Kafka with SASL/PLAIN and TLS${skipReason}`, () => {
  beforeAll(async () => {
    const base = uniqueName('sec_kafka_topics');
    config = secureConfig({
      kafka: {
        ...fast,
        topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events`, peers: `${base}.peers` },
        group_id: `${base}-writer`,
      },
    });
    kafka = createKafka({ config: config.kafka });
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    if (admin !== undefined) {
      await admin.deleteTopics({ topics: [topic, ...plannedTopics(config.kafka).map((t) => t.topic)] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('SASL_SSL with the local CA: the broker advertises the SASL_SSL listener', async () => {
    expect(config.kafka.brokers).toEqual(secure().kafka.saslSslBrokers);
    expect(config.kafka.sasl).toEqual({ mechanism: 'plain', username: secure().kafka.username, password: secure().kafka.password });
    expect(config.kafka.tls).toMatchObject({ enabled: true, caFile: secure().caFile, insecureSkipVerify: false });
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(secure().kafka.saslSslBrokers);
  });

  it("ensureTopics creates pinstate's topics over SASL_SSL", async () => {
    const report = await ensureTopics(admin, config.kafka);
    expect(report.created.length).toBe(plannedTopics(config.kafka).length);
    const listed = await admin.listTopics();
    for (const t of plannedTopics(config.kafka)) expect(listed).toContain(t.topic);
  });

  it('create a topic, produce (idempotent, acks all) and consume in a group, all over SASL_SSL', async () => {
    // Right after creation a busy broker may still answer "does not host this topic-partition";
    // waitForMetadata waits that out (kafkajs's waitForLeaders does not).
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: false });
    await waitForMetadata(admin, [topic]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = ['a', 'b', 'c'].map((k) => ({ key: k, value: `secure-${k}` }));
    try {
      await producer.send({ topic, messages: sent, acks: -1 });
    } finally {
      await producer.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `${topic}-group`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    const got: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${sent.length} messages consumed`)), 60_000);
        consumer
          .run({
            eachMessage: async ({ message }) => {
              got.push(message.value?.toString() ?? '');
              if (got.length === sent.length) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    expect(got.sort()).toEqual(sent.map((m) => m.value).sort());
    const offsets = await admin.fetchOffsets({ groupId: `${topic}-group`, topics: [topic] });
    expect(offsets[0]?.partitions.length).toBe(2);
  });

  it('SASL_PLAINTEXT (:9193) with the same user works without TLS', async () => {
    const kc: KafkaConfig = { ...config.kafka, brokers: [...secure().kafka.saslPlaintextBrokers], tls: { ...config.kafka.tls, enabled: false } };
    expect(await tryConnect(kc)).toBeUndefined();
  });

  it('a wrong password: an authentication error that does not contain the password', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    for (const brokers of [secure().kafka.saslSslBrokers, secure().kafka.saslPlaintextBrokers]) {
      const tls = brokers === secure().kafka.saslSslBrokers;
      const err = await tryConnect({ ...config.kafka, brokers: [...brokers], tls: { ...config.kafka.tls, enabled: tls }, sasl: { ...config.kafka.sasl!, password: wrong } });
      expect(err, `wrong password accepted on ${brokers.join(',')}`).toBeDefined();
      expect(err!.name).toBe('KafkaJSSASLAuthenticationError');
      expect(err!.message).toMatch(/SASL PLAIN authentication failed.*(Invalid username or password|invalid credentials)/i);
      expect(err!.message).not.toContain(wrong);
      expect(err!.message).not.toContain(secure().kafka.password);
    }
  });

  it('an unknown user is refused', async () => {
    const err = await tryConnect({ ...config.kafka, sasl: { mechanism: 'plain', username: `nobody-${randomBytes(3).toString('hex')}`, password: secure().kafka.password } });
    expect(err?.name).toBe('KafkaJSSASLAuthenticationError');
  });

  it('a plaintext client (no TLS, no SASL) on the SASL_SSL port fails', async () => {
    const err = await tryConnect({ ...config.kafka, sasl: undefined, tls: { ...config.kafka.tls, enabled: false } });
    expect(err).toBeDefined();
    expect(err!.name).toMatch(/^KafkaJS/);
  });

  it('TLS without SASL credentials on the SASL_SSL port fails', async () => {
    const err = await tryConnect({ ...config.kafka, sasl: undefined });
    expect(err).toBeDefined();
    expect(err!.name).toMatch(/^KafkaJS/);
  });

  it('SASL_SSL trusting an untrusted CA, or only the system CAs, fails the TLS handshake', async () => {
    const ca = untrustedCa();
    try {
      for (const caFile of [ca.file, undefined]) {
        const err = await tryConnect({ ...config.kafka, tls: { ...config.kafka.tls, caFile } });
        expect(err, `connected with caFile ${caFile ?? '(system CAs)'}`).toBeDefined();
        expect(`${err!.name}: ${err!.message}`).toMatch(/self[- ]signed certificate|unable to (get|verify)|certificate/i);
      }
    } finally {
      ca.dispose();
    }
  });
});
