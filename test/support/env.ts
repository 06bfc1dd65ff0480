/**
 * Where the integration tests find Kafka and Cassandra/ScyllaDB. `test/integration/global-setup.ts`
 * resolves the endpoints once (environment, an already running local stack, or
 * `tools/local-stack/stack.sh up`) and hands them to the test workers with `provide()`; outside
 * vitest the same environment variables the app reads apply (KAFKA_BROKERS, SCYLLA_HOSTS,
 * SCYLLA_PORT, SCYLLA_LOCAL_DC).
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export interface StackEndpoints {
  readonly kafkaBrokers: readonly string[];
  readonly scyllaHosts: readonly string[];
  readonly scyllaPort: number;
  readonly localDc: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pinstateStack: StackEndpoints;
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
