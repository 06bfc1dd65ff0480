// Validation rules of the config file format: per-key checks, unknown keys, cross-field rules,
// replication forms and normalisation. Values go in through `overrides` (file syntax).
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigOptions } from '../../../src/config/load.js';
import { validateConfig } from '../../../src/config/schema.js';
import type { PinstateConfig } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/errors.js';

/** Untyped on purpose: tests pass wrong values. */
function load(overrides: unknown): PinstateConfig {
  return loadConfig({ env: {}, overrides: overrides as LoadConfigOptions['overrides'] });
}

function expectConfigError(overrides: unknown, field: string, pattern?: RegExp): ConfigError {
  let caught: unknown;
  try {
    load(overrides);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.code).toBe('CONFIG_INVALID');
  expect(err.field).toBe(field);
  expect(err.message.startsWith(`config ${field}: `)).toBe(true);
  if (pattern !== undefined) expect(err.message).toMatch(pattern);
  return err;
}

describe('unknown keys', () => {
  it.each([
    [{ scylladb: { hostz: ['a'] } }, 'scylladb.hostz'],
    [{ foo: 1 }, 'foo'],
    [{ scylladb: { retry_policy: { retries: 3 } } }, 'scylladb.retry_policy.retries'],
    [{ scylladb: { tls: { ca: 'x' } } }, 'scylladb.tls.ca'],
    [{ kafka: { topics: { dlq: '.dlq' } } }, 'kafka.topics.dlq'],
    [{ kafka: { sasl: { mechanism: 'plain', username: 'u', password: 'p', token: 't' } } }, 'kafka.sasl.token'],
    [{ scylladb: { replication: { class: 'SimpleStrategy', replication_factor: 1, dc1: 3 } } }, 'scylladb.replication.dc1'],
    [{ api: { portt: 1 } }, 'api.portt'],
  ])('%j fails naming %s', (overrides, field) => {
    const err = expectConfigError(overrides, field);
    expect(err.message).toBe(`config ${field}: unknown key`);
  });

  it('reports a __proto__ key as unknown instead of merging it into the prototype', () => {
    const overrides: unknown = JSON.parse('{"scylladb":{"__proto__":{"port":1}}}');
    expectConfigError(overrides, 'scylladb.__proto__', /unknown key/);
    expect(({} as Record<string, unknown>)['port']).toBeUndefined();
  });
});

describe('per-key values', () => {
  it.each([
    [{ scylladb: { port: 0 } }, 'scylladb.port', /expected an integer from 1 to 65535, got 0/],
    [{ scylladb: { port: 65536 } }, 'scylladb.port', /from 1 to 65535/],
    [{ scylladb: { port: '9042' } }, 'scylladb.port', /expected an integer from 1 to 65535, got "9042"/],
    [{ api: { port: 65536 } }, 'api.port', /from 0 to 65535/],
    [{ api: { port: -1 } }, 'api.port', /from 0 to 65535/],
    [{ kafka: { brokers: ['kafka:0'] } }, 'kafka.brokers[0]', /port from 1 to 65535/],
    [{ kafka: { brokers: ['localhost:9092', 'kafka'] } }, 'kafka.brokers[1]', /"host:port"/],
    [{ kafka: { brokers: [] } }, 'kafka.brokers', /at least one broker, got an empty list/],
    [{ kafka: { brokers: '127.0.0.1:9092' } }, 'kafka.brokers', /expected a list/],
    [{ scylladb: { hosts: [] } }, 'scylladb.hosts', /at least one host/],
    [{ scylladb: { hosts: ['a b'] } }, 'scylladb.hosts[0]', /without spaces/],
    [{ scylladb: { peer_bucket_bits: 17 } }, 'scylladb.peer_bucket_bits', /from 0 to 16/],
    [{ scylladb: { peer_bucket_bits: -1 } }, 'scylladb.peer_bucket_bits', /from 0 to 16/],
    [{ scylladb: { num_conns: 1.5 } }, 'scylladb.num_conns', /expected an integer >= 1, got 1.5/],
    [{ scylladb: { consistency: 'QUOROM' } }, 'scylladb.consistency', /expected one of .*"LOCAL_QUORUM".*, got "QUOROM"/],
    [{ scylladb: { serial_consistency: 'QUORUM' } }, 'scylladb.serial_consistency', /"SERIAL", "LOCAL_SERIAL"/],
    [{ scylladb: { backend: 'mysql' } }, 'scylladb.backend', /"cassandra", "scylla"/],
    [{ log_level: 'loud' }, 'log_level', /"info"/],
    [{ scylladb: { trace_queries: 'yes' } }, 'scylladb.trace_queries', /expected true or false/],
    [{ scylladb: { timeout: '0s' } }, 'scylladb.timeout', /greater than 0/],
    [{ scylladb: { timeout: '12' } }, 'scylladb.timeout', /missing unit/],
    [{ scylladb: { timeout: true } }, 'scylladb.timeout', /duration/],
    [{ scylladb: { connect_timeout: '25d' } }, 'scylladb.connect_timeout', /unknown unit "d"/],
    [{ writer: { drain_timeout: '600h' } }, 'writer.drain_timeout', /at most/],
    [{ scylladb: { dedup_ttl: '1500ms' } }, 'scylladb.dedup_ttl', /whole number of seconds/],
    [{ scylladb: { events_ttl: '0' } }, 'scylladb.events_ttl', /at least 1s/],
    [{ scylladb: { events_ttl: '24h', dedup_ttl: '48h' } }, 'scylladb.events_ttl', /at least scylladb.dedup_ttl/],
    [{ kafka: { topics: { intents: 'pins intents' } } }, 'kafka.topics.intents', /topic name/],
    [{ kafka: { client_id: '' } }, 'kafka.client_id', /non-empty/],
    [{ kafka: { sasl: { mechanism: 'gssapi', username: 'u', password: 'p' } } }, 'kafka.sasl.mechanism', /"scram-sha-512"/],
    [{ scylladb: 5 }, 'scylladb', /expected an object, got 5/],
    [{ scylladb: { tls: { ca_file: 7 } } }, 'scylladb.tls.ca_file', /file path or null/],
  ])('%j fails naming %s', (overrides, field, pattern) => {
    expectConfigError(overrides, field, pattern);
  });

  it.each([
    ['Ipfs_pins', false],
    ['1pins', false],
    ['_pins', false],
    ['ipfs-pins', false],
    ['a'.repeat(49), false],
    ['a', true],
    ['a'.repeat(48), true],
    ['ipfs_pins_2', true],
  ])('keyspace %j valid: %s', (keyspace, valid) => {
    if (valid) expect(load({ scylladb: { keyspace } }).scylla.keyspace).toBe(keyspace);
    else expectConfigError({ scylladb: { keyspace } }, 'scylladb.keyspace', /\^\[a-z\]\[a-z0-9_\]\{0,47\}\$/);
  });

  it('accepts the boundary values', () => {
    const config = load({ scylladb: { peer_bucket_bits: 16, port: 65535 }, api: { port: 0 } });
    expect(config.scylla.peerBucketBits).toBe(16);
    expect(config.scylla.port).toBe(65535);
    expect(config.api.port).toBe(0);
    expect(load({ scylladb: { peer_bucket_bits: 0 } }).scylla.peerBucketBits).toBe(0);
  });

  it('reads consistency names in any case and stores them upper-case', () => {
    const config = load({ scylladb: { consistency: 'local_one', serial_consistency: 'Serial' } });
    expect(config.scylla.consistency).toBe('LOCAL_ONE');
    expect(config.scylla.serialConsistency).toBe('SERIAL');
    expect(load({ scylladb: { consistency: 'quorum' } }).scylla.consistency).toBe('QUORUM');
  });

  it('reads log levels, backend and SASL mechanism in any case and stores them lower-case', () => {
    const config = load({ log_level: 'WARN', scylladb: { log_level: 'Debug', backend: 'ScyllA' }, kafka: { sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' } } });
    expect(config.logLevel).toBe('warn');
    expect(config.scylla.logLevel).toBe('debug');
    expect(config.scylla.backend).toBe('scylla');
    expect(config.kafka.sasl?.mechanism).toBe('scram-sha-256');
  });

  it('takes durations as Go text or milliseconds', () => {
    const config = load({ scylladb: { timeout: 2500, retry_policy: { min_retry_delay: '0', max_retry_delay: '1m30s' } }, ttl: { sweep_interval: '1.5s' } });
    expect(config.scylla.timeoutMs).toBe(2500);
    expect(config.scylla.retryPolicy.minRetryDelayMs).toBe(0);
    expect(config.scylla.retryPolicy.maxRetryDelayMs).toBe(90_000);
    expect(config.ttl.sweepIntervalMs).toBe(1500);
  });

  it('treats null and "" as "none" for optional text', () => {
    const config = load({ scylladb: { username: '', password: null, tls: { ca_file: '', cert_file: null } } });
    expect(config.scylla.username).toBeUndefined();
    expect(config.scylla.password).toBeUndefined();
    expect(config.scylla.tls.caFile).toBeUndefined();
    expect(config.scylla.tls.certFile).toBeUndefined();
    expect(load({ kafka: { sasl: null } }).kafka.sasl).toBeUndefined();
  });

  it('never shows a secret value in a message', () => {
    const err = expectConfigError({ scylladb: { password: 123456789 } }, 'scylladb.password');
    expect(err.message).not.toContain('123456789');
    const tokens = expectConfigError({ api: { tokens: ['ok', 987654321] } }, 'api.tokens[1]');
    expect(tokens.message).not.toContain('987654321');
  });

  it('lists every problem of one run in the message, the first one named', () => {
    const err = expectConfigError({ scylladb: { port: 0, hostz: 1 }, api: { port: 'x' } }, 'scylladb.port');
    expect(err.message).toContain('2 more');
    expect(err.message).toContain('scylladb.hostz: unknown key');
    expect(err.message).toContain('api.port: expected an integer from 0 to 65535');
  });
});

describe('cross-field rules', () => {
  it('min_retry_delay must not exceed max_retry_delay', () => {
    expectConfigError({ scylladb: { retry_policy: { min_retry_delay: '20s', max_retry_delay: '10s' } } }, 'scylladb.retry_policy.min_retry_delay', /must not exceed .*max_retry_delay \(10s\), got 20s/);
    expect(load({ scylladb: { retry_policy: { min_retry_delay: '10s', max_retry_delay: '10s' } } }).scylla.retryPolicy.minRetryDelayMs).toBe(10_000);
  });

  it('kafka.partitions.acks must equal kafka.partitions.intents', () => {
    expectConfigError({ kafka: { partitions: { intents: 32 } } }, 'kafka.partitions.acks', /must equal kafka\.partitions\.intents \(32\)/);
    expect(load({ kafka: { partitions: { intents: 32, acks: 32 } } }).kafka.partitions).toEqual({ intents: 32, acks: 32, placements: 16, events: 16, peers: 4 });
  });

  it('scylladb.stats_shards must be a multiple of kafka.partitions.intents', () => {
    expectConfigError({ scylladb: { stats_shards: 48 } }, 'scylladb.stats_shards', /multiple of kafka\.partitions\.intents \(64\).*, got 48/);
    expectConfigError({ scylladb: { stats_shards: 16 } }, 'scylladb.stats_shards');
    expect(load({ scylladb: { stats_shards: 128 } }).scylla.statsShards).toBe(128);
    expect(load({ scylladb: { stats_shards: 48 }, kafka: { partitions: { intents: 16, acks: 16 } } }).scylla.statsShards).toBe(48);
  });

  it('tls cert_file and key_file go together', () => {
    expectConfigError({ scylladb: { tls: { cert_file: '/c.pem' } } }, 'scylladb.tls.key_file', /must be given together/);
    expectConfigError({ kafka: { tls: { key_file: '/k.pem' } } }, 'kafka.tls.cert_file', /must be given together/);
    const config = load({ kafka: { tls: { enabled: true, cert_file: '/c.pem', key_file: '/k.pem' } } });
    expect(config.kafka.tls).toEqual({ enabled: true, caFile: undefined, certFile: '/c.pem', keyFile: '/k.pem', insecureSkipVerify: false });
  });

  it('kafka.sasl needs username and password', () => {
    expectConfigError({ kafka: { sasl: {} } }, 'kafka.sasl.username', /required when kafka\.sasl is set/);
    expectConfigError({ kafka: { sasl: { username: 'u' } } }, 'kafka.sasl.password', /required/);
    expectConfigError({ kafka: { sasl: { password: 'p' } } }, 'kafka.sasl.username', /required/);
    expect(load({ kafka: { sasl: { username: 'u', password: 'p' } } }).kafka.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
  });

  it('scylladb.username and scylladb.password go together', () => {
    expectConfigError({ scylladb: { username: 'u' } }, 'scylladb.password', /together/);
    expectConfigError({ scylladb: { password: 'p' } }, 'scylladb.username', /together/);
  });

  it('writer.heartbeat_interval must be below writer.session_timeout', () => {
    expectConfigError({ writer: { heartbeat_interval: '30s' } }, 'writer.heartbeat_interval', /less than writer\.session_timeout \(30s\)/);
  });

  it('topic names must differ', () => {
    expectConfigError({ kafka: { topics: { acks: 'pins.intents' } } }, 'kafka.topics.acks', /must differ from kafka\.topics\.intents/);
  });

  it('cross-field rules run only once every key is valid', () => {
    // stats_shards 48 breaks a cross-field rule, but the bad port is what is reported.
    const err = expectConfigError({ scylladb: { port: 0, stats_shards: 48 } }, 'scylladb.port');
    expect(err.message).not.toContain('stats_shards');
  });
});

describe('scylladb.replication', () => {
  it('reads the SimpleStrategy form', () => {
    expect(load({ scylladb: { replication: { class: 'SimpleStrategy', replication_factor: 3 } } }).scylla.replication).toEqual({ class: 'SimpleStrategy', replicationFactor: 3 });
    expect(load({ scylladb: { replication: { class: 'SimpleStrategy' } } }).scylla.replication).toEqual({ class: 'SimpleStrategy', replicationFactor: 1 });
  });

  it('reads the NetworkTopologyStrategy form: data-center names as keys', () => {
    const replication = load({ scylladb: { replication: { class: 'NetworkTopologyStrategy', dc1: 3, dc2: 1, 'eu-west': 0 } } }).scylla.replication;
    expect(replication).toEqual({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 1, 'eu-west': 0 } });
  });

  it.each([
    [{ class: 'NetworkTopologyStrategy', dc1: 3, dc2: 'x' }, 'scylladb.replication.dc2', /expected an integer >= 0, got "x"/],
    [{ class: 'NetworkTopologyStrategy', dc1: 1.5 }, 'scylladb.replication.dc1', /integer/],
    [{ class: 'NetworkTopologyStrategy', dc1: -1 }, 'scylladb.replication.dc1', /integer >= 0/],
    [{ class: 'NetworkTopologyStrategy' }, 'scylladb.replication', /at least one data center/],
    [{ class: 'NetworkTopologyStrategy', replication_factor: 3 }, 'scylladb.replication.replication_factor', /per data center/],
    [{ class: 'SimpleStrategy', replication_factor: 0 }, 'scylladb.replication.replication_factor', /integer >= 1/],
    [{ class: 'LocalStrategy' }, 'scylladb.replication.class', /"SimpleStrategy" or "NetworkTopologyStrategy", got "LocalStrategy"/],
    [{ replication_factor: 3 }, 'scylladb.replication.class', /"SimpleStrategy" or "NetworkTopologyStrategy"/],
    [3, 'scylladb.replication', /SimpleStrategy/],
  ])('%j fails naming %s', (replication, field, pattern) => {
    expectConfigError({ scylladb: { replication } }, field, pattern);
  });
});

describe('validateConfig', () => {
  it('returns issues as data instead of throwing', () => {
    const result = validateConfig({ scylladb: { port: 0, hostz: 1 } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path)).toEqual(['scylladb.port', 'scylladb.hostz']);
    }
  });
});
