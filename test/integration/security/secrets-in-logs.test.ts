/**
 * Secrets never appear in logs. A whole pinstate service (writer + HTTP API + TTL sweeper) runs
 * against the secure servers with a database password, a Kafka SASL password and an API token,
 * with `scylladb.trace_queries: true` and every logger at trace level, writing into memory
 * through the app's own createLogger. Around it: the effective config logged as the service would
 * (redactConfig), requests with the right token, a wrong token and none, and failing logins to
 * both servers with wrong passwords, their errors logged. No captured line may contain any of the
 * passwords or tokens, in clear, JSON-escaped, base64, hex, or as a SASL/PLAIN frame.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPinProducer } from '../../../producers/index.js';
import { redactConfig } from '../../../src/config/index.js';
import type { PinstateConfig } from '../../../src/config/types.js';
import { createKafka } from '../../../src/kafka/client.js';
import { ensureTopics, plannedTopics } from '../../../src/kafka/topics.js';
import { createRegistry } from '../../../src/metrics.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import { applySchema } from '../../../src/store/migrate.js';
import { openSession } from '../../../src/store/session.js';
import { cidV1 } from '../../support/cids.js';
import { uniqueName } from '../../support/env.js';
import { until } from '../cli/helpers.js';
import { captureLogs, describeSecure, secretForms, secure, secureConfig, skipReason, type LogCapture } from './helpers.js';

const TOKEN = `tok-${randomBytes(16).toString('hex')}`;
const WRONG_TOKEN = `bad-${randomBytes(16).toString('hex')}`;
const WRONG_DB_PASSWORD = `wrongdb-${randomBytes(8).toString('hex')}`;
const WRONG_KAFKA_PASSWORD = `wrongkafka-${randomBytes(8).toString('hex')}`;

let logs: LogCapture;
let config: PinstateConfig;
let service: RunningService | undefined;

function secrets(): Array<[string, string]> {
  const ep = secure();
  return [
    ['database password', ep.cassandra.password],
    ['database admin password', ep.cassandra.adminPassword],
    ['Kafka password', ep.kafka.password],
    ['Kafka admin password', ep.kafka.adminPassword],
    ['API token', TOKEN],
    ['wrong API token', WRONG_TOKEN],
    ['wrong database password', WRONG_DB_PASSWORD],
    ['wrong Kafka password', WRONG_KAFKA_PASSWORD],
  ];
}

describeSecure(`secrets never appear in logs${skipReason}`, () => {
  beforeAll(async () => {
    logs = captureLogs('trace');
    const base = uniqueName('sec_logs');
    config = secureConfig({
      scylladb: { keyspace: base, trace_queries: true, log_level: 'trace' },
      kafka: {
        topics: { intents: `${base}.intents`, acks: `${base}.acks`, placements: `${base}.placements`, events: `${base}.events`, peers: `${base}.peers` },
        group_id: `${base}-writer`,
      },
      writer: { drain_timeout: '20s', session_timeout: '10s', heartbeat_interval: '1s' },
      api: { host: '127.0.0.1', port: 0, tokens: [TOKEN] },
      log_level: 'trace',
    });
    const { logger } = logs;
    logger.info({ config: redactConfig(config) }, 'effective configuration');
    await applySchema({ config: config.scylla, logger });
    const admin = createKafka({ config: config.kafka, logger }).admin();
    await admin.connect();
    try {
      await ensureTopics(admin, config.kafka);
    } finally {
      await admin.disconnect();
    }
    service = await startService({ config, logger, registry: createRegistry(), parts: { writer: true, api: true, sweeper: { direct: true, intervalMs: 500 } } });
  });
  afterAll(async () => {
    await service?.close();
    if (config === undefined) return;
    const admin = createKafka({ config: config.kafka }).admin();
    await admin.connect().catch(() => undefined);
    await admin.deleteTopics({ topics: plannedTopics(config.kafka).map((t) => t.topic) }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    const session = await openSession({ config: config.scylla });
    try {
      await session.executeDdl(`DROP KEYSPACE IF EXISTS ${config.scylla.keyspace}`);
    } finally {
      await session.shutdown();
    }
  });

  it('the API: a wrong token and no token are refused, the right one publishes, the writer applies', async () => {
    const base = service!.api!.url;
    const cid = cidV1('secrets-in-logs');
    expect((await fetch(`${base}/pins/${cid}`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${base}/pins/${cid}`, { method: 'POST', body: '{}', headers: { authorization: `Bearer ${WRONG_TOKEN}` } })).status).toBe(401);
    const res = await fetch(`${base}/pins/${cid}`, { method: 'POST', body: '{"name":"logged"}', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(202);
    await until('pin applied by the writer', async () => ((await fetch(`${base}/pins/${cid}`)).status === 200 ? true : undefined), 90_000);
    await until('the sweeper ran', () => (logs.lines().some((l) => l.includes('pin_ttl_queue')) ? true : undefined), 30_000);
  });

  it('failing logins with wrong passwords: the database and Kafka, errors logged', async () => {
    const { logger } = logs;
    const db = await openSession({ config: { ...config.scylla, password: WRONG_DB_PASSWORD }, logger }).then(
      async (s) => {
        await s.shutdown();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(db).toBeInstanceOf(Error);
    logger.error({ err: db }, 'database login failed');

    const kafkaConfig = { ...config.kafka, sasl: { ...config.kafka.sasl!, password: WRONG_KAFKA_PASSWORD } };
    const admin = createKafka({ config: kafkaConfig, logger }).admin({ retry: { retries: 0 } });
    const k = await admin.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    await admin.disconnect().catch(() => undefined);
    expect(k).toBeInstanceOf(Error);
    logger.error({ err: k }, 'kafka login failed');

    const producer = createPinProducer({ config: kafkaConfig, logger });
    const p = await producer.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    await producer.disconnect().catch(() => undefined);
    expect(p).toBeInstanceOf(Error);
    logger.error({ err: p }, 'producer login failed');
  });

  it('the capture holds what the service logged: queries, requests, writer states, both login failures', () => {
    const lines = logs.lines();
    const has = (re: RegExp): boolean => lines.some((l) => re.test(l));
    expect(has(/"msg":"cql query"/), 'trace_queries lines').toBe(true);
    expect(has(/"status":401/), '401 request lines').toBe(true);
    expect(has(/"status":202/), '202 request lines').toBe(true);
    expect(has(/"state":"running"/), 'writer state').toBe(true);
    expect(has(/database login failed.*password are incorrect|password are incorrect.*database login failed/), 'database login failure').toBe(true);
    expect(has(/SASL PLAIN authentication failed/), 'Kafka login failure').toBe(true);
    expect(has(/"password":"\*\*\*"/), 'the redacted config').toBe(true);
  });

  it('no captured line contains a password or token, in any encoding', async () => {
    await service?.close();
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(50);
    const ep = secure();
    const users: Record<string, string | undefined> = { 'Kafka password': ep.kafka.username, 'Kafka admin password': ep.kafka.adminUsername, 'wrong Kafka password': ep.kafka.username };
    const leaks: string[] = [];
    for (const [what, secret] of secrets()) {
      for (const form of secretForms(secret, users[what])) {
        const hit = lines.find((l) => l.includes(form));
        if (hit !== undefined) leaks.push(`${what} (${form === secret ? 'clear' : 'encoded'}) in: ${hit.slice(0, 300)}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
