/**
 * Where the integration tests find Kafka and Cassandra/ScyllaDB. `test/integration/global-setup.ts`
 * resolves the endpoints once (environment, an already running local stack, or
 * `tools/local-stack/stack.sh up`) and hands them to the test workers with `provide()`; outside
 * vitest the same environment variables the app reads apply (KAFKA_BROKERS, SCYLLA_HOSTS,
 * SCYLLA_PORT, SCYLLA_LOCAL_DC). The secure servers (SASL/TLS Kafka listeners, the TLS + password
 * Cassandra node) come from `.local/secure/stack.json`, see `secureStack()`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export interface StackEndpoints {
  readonly kafkaBrokers: readonly string[];
  readonly scyllaHosts: readonly string[];
  readonly scyllaPort: number;
  readonly localDc: string;
}

/**
 * The secure servers of the local stack (docs/security.md): the same Kafka broker's SASL
 * listeners and a separate Cassandra node that requires TLS and a password. `stack.sh` writes
 * this as `.local/secure/stack.json`; passwords are the local stack's generated test passwords.
 */
export interface SecureEndpoints {
  /** PEM of the local test CA that signed the servers' certificate. */
  readonly caFile: string;
  readonly kafka: {
    /** SASL/PLAIN over TLS. */
    readonly saslSslBrokers: readonly string[];
    /** SASL/PLAIN without TLS. */
    readonly saslPlaintextBrokers: readonly string[];
    readonly mechanism: 'plain';
    readonly username: string;
    readonly password: string;
    readonly adminUsername: string;
    readonly adminPassword: string;
  };
  readonly cassandra: {
    readonly hosts: readonly string[];
    readonly port: number;
    readonly localDc: string;
    /** A LOGIN role with CREATE ON ALL KEYSPACES only (not a superuser). */
    readonly username: string;
    readonly password: string;
    /** A superuser (the built-in cassandra/cassandra login is disabled). */
    readonly adminUsername: string;
    readonly adminPassword: string;
  };
}

/** What the global setup hands the workers about the secure servers. */
export type SecureStack = { readonly available: true; readonly endpoints: SecureEndpoints } | { readonly available: false; readonly reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    pinstateStack: StackEndpoints;
    pinstateSecure: SecureStack;
  }
}

export const DEFAULT_ENDPOINTS: StackEndpoints = Object.freeze({
  kafkaBrokers: ['127.0.0.1:9092'],
  scyllaHosts: ['127.0.0.1'],
  scyllaPort: 9042,
  localDc: 'datacenter1',
});

function list(value: string | undefined): string[] | undefined {
  const items = value?.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  return items !== undefined && items.length > 0 ? items : undefined;
}

/** Endpoints from the environment, each falling back to the local stack's default. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const port = Number(env['SCYLLA_PORT'] ?? DEFAULT_ENDPOINTS.scyllaPort);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`SCYLLA_PORT is not a port: ${env['SCYLLA_PORT']}`);
  return {
    kafkaBrokers: list(env['KAFKA_BROKERS']) ?? DEFAULT_ENDPOINTS.kafkaBrokers,
    scyllaHosts: list(env['SCYLLA_HOSTS']) ?? DEFAULT_ENDPOINTS.scyllaHosts,
    scyllaPort: port,
    localDc: env['SCYLLA_LOCAL_DC']?.trim() || DEFAULT_ENDPOINTS.localDc,
  };
}

let cached: StackEndpoints | undefined;

function endpoints(): StackEndpoints {
  if (cached === undefined) {
    let provided: StackEndpoints | undefined;
    try {
      provided = inject('pinstateStack');
    } catch {
      // Not inside a vitest worker (e.g. a script importing this helper).
    }
    cached = provided ?? endpointsFromEnv();
  }
  return cached;
}

/** Where `stack.sh` writes the secure servers' endpoints: PINSTATE_SECURE_STACK_FILE, else `<PINSTATE_LOCAL_DIR or repo/.local>/secure/stack.json`. */
export function secureStackFile(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['PINSTATE_SECURE_STACK_FILE']?.trim();
  if (explicit) return explicit;
  const local = env['PINSTATE_LOCAL_DIR']?.trim() || fileURLToPath(new URL('../../.local', import.meta.url));
  return join(local, 'secure', 'stack.json');
}

/** Reads and checks a stack.json; throws naming the file and the missing field. */
export function readSecureEndpoints(file: string): SecureEndpoints {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<SecureEndpoints>;
  const need = (ok: boolean, field: string): void => {
    if (!ok) throw new Error(`${file}: missing or invalid ${field}`);
  };
  need(typeof raw.caFile === 'string', 'caFile');
  const k = raw.kafka;
  need(k !== undefined && Array.isArray(k.saslSslBrokers) && k.saslSslBrokers.length > 0, 'kafka.saslSslBrokers');
  need(k !== undefined && Array.isArray(k.saslPlaintextBrokers), 'kafka.saslPlaintextBrokers');
  need(typeof k?.username === 'string' && typeof k.password === 'string', 'kafka.username/password');
  const c = raw.cassandra;
  need(c !== undefined && Array.isArray(c.hosts) && c.hosts.length > 0, 'cassandra.hosts');
  need(Number.isInteger(c?.port), 'cassandra.port');
  need(typeof c?.username === 'string' && typeof c.password === 'string', 'cassandra.username/password');
  return raw as SecureEndpoints;
}

let cachedSecure: SecureStack | undefined;

/** The secure servers, as resolved by the global setup (or read from stack.json outside vitest). */
export function secureStack(): SecureStack {
  if (cachedSecure === undefined) {
    let provided: SecureStack | undefined;
    try {
      provided = inject('pinstateSecure');
    } catch {
      // Not inside a vitest worker.
    }
    if (provided === undefined) {
      const file = secureStackFile();
      try {
        provided = { available: true, endpoints: readSecureEndpoints(file) };
      } catch (err) {
        provided = { available: false, reason: `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    cachedSecure = provided;
  }
  return cachedSecure;
}

/** Kafka bootstrap servers, `host:port`. */
export function kafkaBrokers(): string[] {
  return [...endpoints().kafkaBrokers];
}

/** CQL contact points (hosts; the port is `scyllaPort()`). */
export function scyllaHosts(): string[] {
  return [...endpoints().scyllaHosts];
}

/** CQL native-protocol port. */
export function scyllaPort(): number {
  return endpoints().scyllaPort;
}

/** The driver's `localDataCenter` (`datacenter1` on the single-node local stack, `dc1` on multidc). */
export function localDc(): string {
  return endpoints().localDc;
}

/**
 * A short unique lowercase name, valid both as a Cassandra keyspace (letter first, [a-z0-9_],
 * at most 48 chars) and as a Kafka topic or group id: `${prefix}_${time36}_${random}`.
 */
export function uniqueName(prefix: string): string {
  let p = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (!/^[a-z]/.test(p)) p = `t${p}`;
  const time = Date.now().toString(36);
  const rand = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0');
  p = p.slice(0, 48 - time.length - rand.length - 2);
  return `${p}_${time}_${rand}`;
}
