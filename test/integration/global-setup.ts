/**
 * vitest globalSetup of the `integration` project: make sure a real Kafka and a real
 * Cassandra/ScyllaDB are reachable and tell the test workers where they are.
 *
 * 1. KAFKA_BROKERS and SCYLLA_HOSTS both set: use them (CI with external servers, ScyllaDB staging).
 * 2. Otherwise, if 127.0.0.1:9092 and 127.0.0.1:9042 accept connections: use the running local stack.
 * 3. Otherwise run `tools/local-stack/stack.sh up`, and stop it again at teardown unless
 *    PINSTATE_KEEP_STACK=1 (keeping it makes the next run start in under a second).
 *
 * The secure servers (test/integration/security, docs/security.md) are described by
 * `.local/secure/stack.json`, which `stack.sh` writes: Kafka's SASL_SSL/SASL_PLAINTEXT listeners
 * and a Cassandra node that requires TLS and a password. In cases 2 and 3 they must be up:
 * when they are not answering, `stack.sh secure-up` starts them (and `secure-down` stops them
 * again at teardown unless PINSTATE_KEEP_STACK=1). In case 1 they are used when stack.json
 * exists and they answer (CI: `stack.sh up` started them); otherwise the security tests are
 * skipped with the reason printed here.
 *
 * It also makes sure the real IPFS binaries (kubo, ipfs-cluster-ctl, ipfs-cluster-service) are built
 * into the cache by `tools/ipfs/ipfs.sh build` (under a second when they are; a cold build takes
 * minutes, see docs/ipfs-tools.md). A failed build does not stop the other tests: the IPFS tests
 * then fail with the script's message when they start kubo.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import type { TestProject } from 'vitest/node';
import { portOpen } from '../../src/service/local-stack.js';
import { endpointsFromEnv, readSecureEndpoints, secureStackFile, type SecureEndpoints, type SecureStack, type StackEndpoints } from '../support/env.js';
import { sleep } from '../../src/sleep.js';

const STACK_SH = fileURLToPath(new URL('../../tools/local-stack/stack.sh', import.meta.url));
const IPFS_SH = fileURLToPath(new URL('../../tools/ipfs/ipfs.sh', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

function runStack(command: 'up' | 'down' | 'secure-up' | 'secure-down'): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout/stderr go to the terminal: a first run fetches jars and takes a while.
    const child = spawn('bash', [STACK_SH, command], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`stack.sh ${command} failed (${signal ?? `exit ${code}`}); see the output above`));
    });
  });
}

/** `ipfs.sh build`: true when the binaries are there afterwards (the output goes to the terminal). */
function buildIpfs(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('bash', [IPFS_SH, 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

async function retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`${what} not ready after ${READY_TIMEOUT_MS / 1000} s: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sleep(1_000);
    }
  }
}

/** A real round trip to each server, so every test does not fail on its own when one is down. */
async function waitUntilUsable(ep: StackEndpoints): Promise<void> {
  await retry(`Kafka at ${ep.kafkaBrokers.join(',')}`, async () => {
    const admin = new Kafka({ brokers: [...ep.kafkaBrokers], clientId: 'pinstate-global-setup', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers in metadata');
    } finally {
      await admin.disconnect();
    }
  });
  // The first idempotent producer and the first consumer group create __transaction_state and
  // __consumer_offsets; do it once here so parallel test files do not all wait on "coordinator loading".
  await retry(`Kafka coordinators at ${ep.kafkaBrokers.join(',')}`, async () => {
    const kafka = new Kafka({ brokers: [...ep.kafkaBrokers], clientId: 'pinstate-global-setup', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const admin = kafka.admin();
    try {
      await producer.connect();
      await admin.connect();
      await admin.fetchOffsets({ groupId: 'pinstate-global-setup-warmup', topics: [] });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
  await retry(`Cassandra at ${ep.scyllaHosts.join(',')}:${ep.scyllaPort}`, async () => {
    const client = new cassandra.Client({
      contactPoints: [...ep.scyllaHosts],
      protocolOptions: { port: ep.scyllaPort },
      localDataCenter: ep.localDc,
    });
    try {
      await client.connect();
      await client.execute('SELECT release_version FROM system.local');
    } finally {
      await client.shutdown();
    }
  });
  // The first schema changes on a just-started node are the slowest (on a fresh clone the largest
  // test files run first, on a cold stack): pay for one here, outside every test's timeout.
  await retry(`Cassandra schema changes at ${ep.scyllaHosts.join(',')}:${ep.scyllaPort}`, async () => {
    const client = new cassandra.Client({ contactPoints: [...ep.scyllaHosts], protocolOptions: { port: ep.scyllaPort }, localDataCenter: ep.localDc });
    try {
      await client.connect();
      await client.execute("CREATE KEYSPACE IF NOT EXISTS pinstate_setup_warmup WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      await client.execute('CREATE TABLE IF NOT EXISTS pinstate_setup_warmup.t (k int PRIMARY KEY, v text)');
      await client.execute('INSERT INTO pinstate_setup_warmup.t (k, v) VALUES (?, ?)', [1, 'warm'], { prepare: true });
      await client.execute('DROP KEYSPACE IF EXISTS pinstate_setup_warmup');
    } finally {
      await client.shutdown();
    }
  });
}

function hostPort(address: string, defaultPort: number): [string, number] {
  const i = address.lastIndexOf(':');
  return i > 0 ? [address.slice(0, i), Number(address.slice(i + 1))] : [address, defaultPort];
}

/** stack.json exists and both secure servers accept TCP connections. */
async function secureAnswering(file: string): Promise<boolean> {
  if (!existsSync(file)) return false;
  let ep: SecureEndpoints;
  try {
    ep = readSecureEndpoints(file);
  } catch {
    return false;
  }
  const [kHost, kPort] = hostPort(ep.kafka.saslSslBrokers[0]!, 9192);
  return (await portOpen(kHost, kPort)) && (await portOpen(ep.cassandra.hosts[0]!, ep.cassandra.port));
}

/** A real authenticated TLS round trip to each secure server. */
async function waitUntilSecureUsable(ep: SecureEndpoints): Promise<void> {
  const ca = readFileSync(ep.caFile, 'utf8');
  await retry(`Kafka SASL_SSL at ${ep.kafka.saslSslBrokers.join(',')}`, async () => {
    const admin = new Kafka({
      brokers: [...ep.kafka.saslSslBrokers],
      clientId: 'pinstate-global-setup',
      ssl: { ca: [ca], rejectUnauthorized: true },
      sasl: { mechanism: 'plain', username: ep.kafka.username, password: ep.kafka.password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
    } finally {
      await admin.disconnect();
    }
  });
  await retry(`Cassandra (TLS + password) at ${ep.cassandra.hosts.join(',')}:${ep.cassandra.port}`, async () => {
    const client = new cassandra.Client({
      contactPoints: [...ep.cassandra.hosts],
      protocolOptions: { port: ep.cassandra.port },
      localDataCenter: ep.cassandra.localDc,
      authProvider: new cassandra.auth.PlainTextAuthProvider(ep.cassandra.username, ep.cassandra.password),
      sslOptions: { ca: [ca], rejectUnauthorized: true },
    });
    try {
      await client.connect();
      await client.execute('SELECT release_version FROM system.local');
    } finally {
      await client.shutdown();
    }
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  const endpoints = endpointsFromEnv(env);
  const secureFile = secureStackFile(env);
  const external = Boolean(env['KAFKA_BROKERS'] && env['SCYLLA_HOSTS']);
  let startedHere: 'stack' | 'secure' | undefined;

  if (external) {
    // External servers: used as given.
  } else if ((await portOpen('127.0.0.1', 9092)) && (await portOpen('127.0.0.1', 9042))) {
    // A local stack is already running (stack.sh up, .ci/run, or a previous kept run).
  } else {
    await runStack('up');
    startedHere = 'stack';
  }
  if (!external && !(await secureAnswering(secureFile))) {
    // A stack started without them (`up --no-secure`, or before they existed): add them.
    await runStack('secure-up');
    startedHere ??= 'secure';
  }

  await waitUntilUsable(endpoints);

  if (!(await buildIpfs())) {
    process.stderr.write('pinstate global setup: tools/ipfs/ipfs.sh build failed (output above); the IPFS tests will fail\n');
  }

  let secure: SecureStack;
  if (external && !(await secureAnswering(secureFile))) {
    secure = { available: false, reason: `no secure servers: ${secureFile} is missing or its servers do not answer (run tools/local-stack/stack.sh secure-up, or set PINSTATE_SECURE_STACK_FILE)` };
    process.stderr.write(`pinstate global setup: the security tests will be skipped: ${secure.reason}\n`);
  } else {
    const ep = readSecureEndpoints(secureFile);
    await waitUntilSecureUsable(ep);
    secure = { available: true, endpoints: ep };
  }
  project.provide('pinstateSecure', secure);

  project.provide('pinstateStack', endpoints);
  // Also for code under test that reads the app's own environment variables.
  env['KAFKA_BROKERS'] = endpoints.kafkaBrokers.join(',');
  env['SCYLLA_HOSTS'] = endpoints.scyllaHosts.join(',');
  env['SCYLLA_PORT'] = String(endpoints.scyllaPort);
  env['SCYLLA_LOCAL_DC'] = endpoints.localDc;

  return async () => {
    if (env['PINSTATE_KEEP_STACK'] === '1') return;
    if (startedHere === 'stack') await runStack('down');
    else if (startedHere === 'secure') await runStack('secure-down');
  };
}
