// loadConfig: defaults, the file, environment variables, overrides, file errors, redaction, freezing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, ENV_VARIABLES, loadConfig, redactConfig, type LoadConfigOptions } from '../../../src/config/load.js';
import type { PinstateConfig } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'pinstate-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

function writeConfig(content: string | object): string {
  const file = join(dir, `config-${++fileCount}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function loadError(options: LoadConfigOptions): ConfigError {
  let caught: unknown;
  try {
    loadConfig(options);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const err = caught as ConfigError;
  expect(err.code).toBe('CONFIG_INVALID');
  return err;
}

const EXPECTED_DEFAULTS: PinstateConfig = {
  scylla: {
    hosts: ['127.0.0.1'],
    port: 9042,
    keyspace: 'ipfs_pins',
    localDc: 'datacenter1',
    consistency: 'LOCAL_QUORUM',
    serialConsistency: 'LOCAL_SERIAL',
    timeoutMs: 12_000,
    connectTimeoutMs: 5000,
    numConns: 2,
    pageSize: 1000,
    retryPolicy: { numRetries: 5, minRetryDelayMs: 100, maxRetryDelayMs: 10_000 },
    logLevel: 'info',
    traceQueries: false,
    username: undefined,
    password: undefined,
    tls: { enabled: false, caFile: undefined, certFile: undefined, keyFile: undefined, insecureSkipVerify: false },
    backend: 'cassandra',
    replication: { class: 'SimpleStrategy', replicationFactor: 1 },
    peerBucketBits: 15,
    statsShards: 64,
    ttlShards: 1024,
    dedupTtlMs: 7 * 24 * 3_600_000,
    eventsTtlMs: 30 * 24 * 3_600_000,
    maxBatchBytes: 40_960,
    maxConcurrency: 128,
  },
  kafka: {
    brokers: ['127.0.0.1:9092'],
    clientId: 'pinstate',
    topics: { intents: 'pins.intents', acks: 'pins.acks', placements: 'pins.placements', events: 'pins.events', peers: 'pins.peers', dlqSuffix: '.dlq' },
    partitions: { intents: 64, acks: 64, placements: 16, events: 16, peers: 4 },
    replicationFactor: 1,
    groupId: 'pinstate-writer',
    sasl: undefined,
    tls: { enabled: false, caFile: undefined, certFile: undefined, keyFile: undefined, insecureSkipVerify: false },
    connectionTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
  },
  writer: { maxBatchOps: 1000, partitionsConcurrently: 64, jointCommit: true, drainTimeoutMs: 30_000, sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3000 },
  agent: {
    ipfsApi: 'http://127.0.0.1:5001',
    peerId: undefined,
    concurrentPins: 10,
    queueSize: 10_000,
    pinTimeoutMs: 120_000,
    requestTimeoutMs: 30_000,
    maxRetries: 3,
    retryBackoffMinMs: 1000,
    retryBackoffMaxMs: 300_000,
    reconcileIntervalMs: 300_000,
    heartbeatIntervalMs: 10_000,
    drainTimeoutMs: 10_000,
    groupPrefix: 'pinstate-agent',
    pinName: 'pinstate',
    tags: {},
  },
  api: { host: '127.0.0.1', port: 9097, tokens: [], maxBodyBytes: 1_048_576 },
  pinning: { tokens: [], maxScan: 100_000 },
  clusterApi: { enabled: true, host: '127.0.0.1', port: 9094, basicAuthCredentials: null, peername: hostname(), identityFile: join(homedir(), '.pinstate', 'cluster-identity.json') },
  ttl: { sweepIntervalMs: 60_000 },
  allocator: { enabled: true, peerTtlMs: 30_000, scanIntervalMs: 3_600_000, checkIntervalMs: 1000, groupId: 'pinstate-allocator', concurrency: 32, defaultReplicationFactorMin: -1, defaultReplicationFactorMax: -1 },
  logLevel: 'info',
  heapGrowingPercent: 100,
  heapSemiSpaceMb: 16,
};

/** Every key of the compiled object, including those whose value is undefined, as dotted paths. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.keys(value).flatMap((k) => keyPaths((value as Record<string, unknown>)[k], prefix === '' ? k : `${prefix}.${k}`));
}

describe('defaults', () => {
  it('fills every field with no file and no environment', () => {
    const config = defaultConfig();
    expect(config).toEqual(EXPECTED_DEFAULTS);
    // toEqual ignores undefined-valued keys; the compiled object must still carry them all.
    expect(keyPaths(config).sort()).toEqual(keyPaths(EXPECTED_DEFAULTS).sort());
  });

  it('loadConfig with an empty environment gives the defaults', () => {
    expect(loadConfig({ env: {} })).toEqual(EXPECTED_DEFAULTS);
  });

  it('an empty file gives the defaults', () => {
    expect(loadConfig({ env: {}, file: writeConfig('{}') })).toEqual(EXPECTED_DEFAULTS);
  });
});

describe('environment variables', () => {
  const cases: ReadonlyArray<readonly [string, string, (c: PinstateConfig) => unknown, unknown]> = [
    ['SCYLLA_HOSTS', 'db1, db2:9043 ,,db3', (c) => c.scylla.hosts, ['db1', 'db2:9043', 'db3']],
    ['SCYLLA_PORT', '19042', (c) => c.scylla.port, 19042],
    ['SCYLLA_KEYSPACE', 'pins_test', (c) => c.scylla.keyspace, 'pins_test'],
    ['SCYLLA_LOCAL_DC', 'dc2', (c) => c.scylla.localDc, 'dc2'],
    ['SCYLLA_USERNAME', 'alice', (c) => c.scylla.username, 'alice'],
    ['SCYLLA_PASSWORD', ' s3cret ', (c) => c.scylla.password, ' s3cret '],
    ['SCYLLA_BACKEND', 'Scylla', (c) => c.scylla.backend, 'scylla'],
    ['SCYLLA_CONSISTENCY', 'quorum', (c) => c.scylla.consistency, 'QUORUM'],
    ['KAFKA_BROKERS', 'k1:9092,k2:9093', (c) => c.kafka.brokers, ['k1:9092', 'k2:9093']],
    ['KAFKA_GROUP_ID', 'writers-2', (c) => c.kafka.groupId, 'writers-2'],
    ['KAFKA_SASL_MECHANISM', 'SCRAM-SHA-512', (c) => c.kafka.sasl?.mechanism, 'scram-sha-512'],
    ['KAFKA_SASL_USERNAME', 'bob', (c) => c.kafka.sasl?.username, 'bob'],
    ['KAFKA_SASL_PASSWORD', 'hunter2', (c) => c.kafka.sasl?.password, 'hunter2'],
    ['PINSTATE_API_HOST', '0.0.0.0', (c) => c.api.host, '0.0.0.0'],
    ['PINSTATE_API_PORT', '0', (c) => c.api.port, 0],
    ['PINSTATE_API_TOKENS', 't1,t2', (c) => c.api.tokens, ['t1', 't2']],
    ['PINSTATE_LOG_LEVEL', 'DEBUG', (c) => c.logLevel, 'debug'],
    ['PINSTATE_HEAP_GROWING_PERCENT', ' 0 ', (c) => c.heapGrowingPercent, 0],
    ['PINSTATE_HEAP_SEMI_SPACE_MB', '64', (c) => c.heapSemiSpaceMb, 64],
  ];
  // Credentials come in pairs: each case sets its partner so the cross-field rules pass.
  const partners: Readonly<Record<string, Record<string, string>>> = {
    SCYLLA_USERNAME: { SCYLLA_PASSWORD: 'p' },
    SCYLLA_PASSWORD: { SCYLLA_USERNAME: 'u' },
    KAFKA_SASL_MECHANISM: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' },
    KAFKA_SASL_USERNAME: { KAFKA_SASL_PASSWORD: 'p' },
    KAFKA_SASL_PASSWORD: { KAFKA_SASL_USERNAME: 'u' },
  };

  it('covers every variable loadConfig reads', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(ENV_VARIABLES.map((v) => v.name).sort());
  });

  it.each(cases)('%s=%j overrides the file', (name, value, select, expected) => {
    const file = writeConfig({
      scylladb: { hosts: ['f'], port: 1, keyspace: 'f', local_dc: 'f', username: 'f', password: 'f', backend: 'cassandra', consistency: 'ONE' },
      kafka: { brokers: ['f:1'], group_id: 'f', sasl: { mechanism: 'plain', username: 'f', password: 'f' } },
      api: { host: 'f', port: 1, tokens: ['f'] },
      log_level: 'error',
    });
    const config = loadConfig({ file, env: { ...partners[name], [name]: value } });
    expect(select(config)).toEqual(expected);
  });

  it.each(cases)('%s=%j applies with no file', (name, value, select, expected) => {
    expect(select(loadConfig({ env: { ...partners[name], [name]: value } }))).toEqual(expected);
  });

  it('ignores empty and blank variables', () => {
    const config = loadConfig({ env: { SCYLLA_HOSTS: '', SCYLLA_PORT: '  ', PINSTATE_API_TOKENS: '', PINSTATE_CONFIG: '' } });
    expect(config).toEqual(EXPECTED_DEFAULTS);
  });

  it.each([
    ['SCYLLA_PORT', 'abc', /expected an integer port number, got "abc" \(sets scylladb\.port\)/],
    ['SCYLLA_PORT', '70000', /expected an integer from 1 to 65535, got 70000 \(sets scylladb\.port\)/],
    ['SCYLLA_PORT', '0', /from 1 to 65535/],
    ['PINSTATE_API_PORT', '-1', /integer port number/],
    ['SCYLLA_HOSTS', ' , ', /at least one host/],
    ['SCYLLA_KEYSPACE', 'Bad-Name', /keyspace name/],
    ['SCYLLA_BACKEND', 'postgres', /"cassandra", "scylla"/],
    ['SCYLLA_CONSISTENCY', 'MOST', /expected one of/],
    ['KAFKA_BROKERS', 'localhost', /"host:port"/],
    ['KAFKA_SASL_MECHANISM', 'oauthbearer', /"plain"/],
    ['PINSTATE_LOG_LEVEL', 'loud', /"info"/],
    ['PINSTATE_HEAP_GROWING_PERCENT', 'lots', /expected a whole number, got "lots" \(sets heap_growing_percent\)/],
    ['PINSTATE_HEAP_GROWING_PERCENT', '5000', /from 0 to 1000, got 5000 \(sets heap_growing_percent\)/],
    ['PINSTATE_HEAP_SEMI_SPACE_MB', '2048', /from 0 to 1024, got 2048 \(sets heap_semi_space_mb\)/],
    ['PINSTATE_HEAP_SEMI_SPACE_MB', '16MB', /expected a whole number, got "16MB" \(sets heap_semi_space_mb\)/],
  ])('a bad %s=%j fails naming the variable', (name, value, pattern) => {
    const err = loadError({ env: { [name]: value } });
    expect(err.field).toBe(name);
    expect(err.message).toMatch(new RegExp(`^config ${name}: `));
    expect(err.message).toMatch(pattern);
  });

  it('a half-given credential names the missing key', () => {
    expect(loadError({ env: { KAFKA_SASL_PASSWORD: 'p' } }).field).toBe('kafka.sasl.username');
    expect(loadError({ env: { SCYLLA_USERNAME: 'u' } }).field).toBe('scylladb.password');
  });

  it('never shows a secret from the environment in a message', () => {
    const err = loadError({ env: { KAFKA_SASL_PASSWORD: 'hunter2', KAFKA_SASL_MECHANISM: 'nope' } });
    expect(err.message).not.toContain('hunter2');
  });

  it('overrides beat the environment, which beats the file', () => {
    const file = writeConfig({ scylladb: { port: 1111, keyspace: 'from_file' } });
    const config = loadConfig({ file, env: { SCYLLA_PORT: '2222', SCYLLA_KEYSPACE: 'from_env' }, overrides: { scylladb: { port: 3333 } } });
    expect(config.scylla.port).toBe(3333);
    expect(config.scylla.keyspace).toBe('from_env');
  });

  it('a bad override is reported under its key, not the variable it overrode', () => {
    const err = loadError({ env: { SCYLLA_PORT: '2222' }, overrides: { scylladb: { port: 0 } } });
    expect(err.field).toBe('scylladb.port');
  });

  it('environment values merge into file blocks key by key', () => {
    const file = writeConfig({ kafka: { sasl: { mechanism: 'scram-sha-256', username: 'file-user', password: 'file-pass' } } });
    const config = loadConfig({ file, env: { KAFKA_SASL_PASSWORD: 'env-pass' } });
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'file-user', password: 'env-pass' });
  });

  it('environment SASL credentials enable SASL over a file that says "sasl": null', () => {
    const file = writeConfig({ kafka: { sasl: null } });
    expect(loadConfig({ file, env: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' } }).kafka.sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
  });
});

describe('the config file', () => {
  it('is read from options.file, else PINSTATE_CONFIG', () => {
    const a = writeConfig({ scylladb: { port: 1001 } });
    const b = writeConfig({ scylladb: { port: 1002 } });
    expect(loadConfig({ env: { PINSTATE_CONFIG: b } }).scylla.port).toBe(1002);
    expect(loadConfig({ file: a, env: { PINSTATE_CONFIG: b } }).scylla.port).toBe(1001);
  });

  it('fills what the file leaves out with defaults', () => {
    const config = loadConfig({ env: {}, file: writeConfig({ scylladb: { retry_policy: { num_retries: 9 } }, kafka: { topics: { intents: 'x.intents' } } }) });
    expect(config.scylla.retryPolicy).toEqual({ numRetries: 9, minRetryDelayMs: 100, maxRetryDelayMs: 10_000 });
    expect(config.kafka.topics).toEqual({ ...EXPECTED_DEFAULTS.kafka.topics, intents: 'x.intents' });
  });

  it('an unknown key in the file is named by its path', () => {
    const err = loadError({ env: {}, file: writeConfig({ scylladb: { hostz: ['a'] } }) });
    expect(err.field).toBe('scylladb.hostz');
    expect(err.message).toBe('config scylladb.hostz: unknown key');
  });

  it('a replication block in the overrides replaces the file one whole', () => {
    const file = writeConfig({ scylladb: { replication: { class: 'NetworkTopologyStrategy', dc1: 3 } } });
    const config = loadConfig({ env: {}, file, overrides: { scylladb: { replication: { class: 'SimpleStrategy', replication_factor: 2 } } } });
    expect(config.scylla.replication).toEqual({ class: 'SimpleStrategy', replicationFactor: 2 });
  });

  it('reads NetworkTopologyStrategy replication from the file', () => {
    const file = writeConfig('{"scylladb":{"replication":{"class":"NetworkTopologyStrategy","dc1":3,"dc2":1}}}');
    expect(loadConfig({ env: {}, file }).scylla.replication).toEqual({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 1 } });
  });

  it('accepts a UTF-8 byte-order mark', () => {
    expect(loadConfig({ env: {}, file: writeConfig('\uFEFF{"api":{"port":1234}}') }).api.port).toBe(1234);
  });

  it('invalid JSON fails naming the file', () => {
    const file = writeConfig('{"scylladb": {"port": 9042,}}');
    const err = loadError({ env: {}, file });
    expect(err.field).toBe(file);
    expect(err.message).toMatch(new RegExp(`^config ${file}: not valid JSON: `));
  });

  it.each(['[]', '"text"', '42', 'null'])('a top level of %s fails naming the file', (text) => {
    const file = writeConfig(text);
    const err = loadError({ env: {}, file });
    expect(err.field).toBe(file);
    expect(err.message).toContain('expected a JSON object at the top level');
  });

  it('a missing file fails naming the file and where its name came from', () => {
    const file = join(dir, 'does-not-exist.json');
    const direct = loadError({ env: {}, file });
    expect(direct.field).toBe(file);
    expect(direct.message).toBe(`config ${file}: file not found`);
    const viaEnv = loadError({ env: { PINSTATE_CONFIG: file } });
    expect(viaEnv.message).toBe(`config ${file}: file not found (from PINSTATE_CONFIG)`);
  });

  it('an unreadable path fails naming the file', () => {
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    const err = loadError({ env: {}, file: sub });
    expect(err.field).toBe(sub);
    expect(err.message).toMatch(/cannot read file/);
  });
});

describe('redactConfig', () => {
  const config = loadConfig({
    env: { SCYLLA_USERNAME: 'alice', SCYLLA_PASSWORD: 'db-secret', KAFKA_SASL_USERNAME: 'bob', KAFKA_SASL_PASSWORD: 'kafka-secret', PINSTATE_API_TOKENS: 'tok-1,tok-2' },
  });

  it('replaces passwords and tokens with "***" and keeps the rest', () => {
    const redacted = redactConfig(config);
    expect(redacted.scylla.password).toBe('***');
    expect(redacted.scylla.username).toBe('alice');
    expect(redacted.kafka.sasl).toEqual({ mechanism: 'plain', username: 'bob', password: '***' });
    expect(redacted.api.tokens).toEqual(['***', '***']);
    expect({ ...redacted, scylla: { ...redacted.scylla, password: 'db-secret' }, kafka: { ...redacted.kafka, sasl: config.kafka.sasl }, api: config.api }).toEqual(config);
    const text = JSON.stringify(redacted);
    for (const secret of ['db-secret', 'kafka-secret', 'tok-1', 'tok-2']) expect(text).not.toContain(secret);
  });

  it('leaves the original untouched and returns a frozen copy', () => {
    const redacted = redactConfig(config);
    expect(config.scylla.password).toBe('db-secret');
    expect(config.api.tokens).toEqual(['tok-1', 'tok-2']);
    expect(Object.isFrozen(redacted)).toBe(true);
    expect(Object.isFrozen(redacted.api.tokens)).toBe(true);
  });

  it('leaves absent secrets absent', () => {
    const redacted = redactConfig(defaultConfig());
    expect(redacted.scylla.password).toBeUndefined();
    expect(redacted.kafka.sasl).toBeUndefined();
    expect(redacted.api.tokens).toEqual([]);
  });
});

describe('immutability', () => {
  const config = loadConfig({ env: {}, overrides: { scylladb: { replication: { class: 'NetworkTopologyStrategy', dc1: 3 } } } });

  it('freezes every object and array, deeply', () => {
    const objects: unknown[] = [];
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      objects.push(value);
      Object.values(value).forEach(walk);
    };
    walk(config);
    expect(objects.length).toBeGreaterThan(15);
    for (const object of objects) expect(Object.isFrozen(object)).toBe(true);
  });

  it('throws on writes (modules run in strict mode)', () => {
    expect(() => {
      (config.scylla as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.scylla.hosts as string[]).push('evil');
    }).toThrow(TypeError);
    expect(() => {
      (config.scylla.replication as { dataCenters: Record<string, number> }).dataCenters['dc2'] = 1;
    }).toThrow(TypeError);
    expect(config.scylla.port).toBe(9042);
  });

  it('defaultConfig() is frozen and stable', () => {
    expect(Object.isFrozen(defaultConfig().kafka.partitions)).toBe(true);
    expect(defaultConfig()).toBe(defaultConfig());
  });
});
