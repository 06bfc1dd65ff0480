/**
 * The database edge: a narrow session over cassandra-driver that the rest of the store talks to.
 * Every statement is prepared; idempotent ones are marked so; retries use exponential backoff
 * between the configured min and max delay (the driver's own retry policy is disabled so a
 * failure is retried exactly num_retries times, not twice over).
 */
import cassandra from 'cassandra-driver';
import { readFileSync } from 'node:fs';
import type { ScyllaConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { retry } from '../retry.js';
import type { BucketRef } from './bucket-bits.js';

const { Client, policies, auth, types } = cassandra;

export type CqlValue = unknown;
export type CqlRow = cassandra.types.Row;

export interface Statement {
  readonly query: string;
  readonly params: readonly CqlValue[];
  /** Serialized partition key, for grouping statements by replica. */
  readonly routingKey?: Buffer;
  /** Set on writes that only need to happen once per process: the peer_buckets row they insert. */
  readonly once?: BucketRef;
}

export interface ExecOptions {
  /** Safe to retry (all pinstate writes are: deterministic timestamps). Default true. */
  readonly idempotent?: boolean;
  readonly fetchSize?: number;
  readonly pageState?: string | undefined;
  readonly consistency?: number;
  readonly routingKey?: Buffer;
  /**
   * Called before every attempt (the first and each retry), just before the request is sent; a
   * throw stops the request unsent. The writer's fence: a stalled member must not write late.
   */
  readonly beforeSend?: () => void;
}

export interface Page {
  readonly rows: readonly CqlRow[];
  /** Set when more pages follow. A short (even empty) page does not mean the end. */
  readonly pageState: string | undefined;
}

/** What the store needs from a database connection. */
export interface CqlSession {
  readonly keyspace: string;
  execute(query: string, params?: readonly CqlValue[], options?: ExecOptions): Promise<Page>;
  /** A logged batch (atomic: all or nothing, eventually) of prepared statements. */
  batchLogged(statements: readonly Statement[], options?: ExecOptions): Promise<void>;
  /** An unlogged batch: one request, no atomicity across partitions. */
  batchUnlogged(statements: readonly Statement[], options?: ExecOptions): Promise<void>;
  /** Address of the first replica of a routing key in this keyspace ("" if unknown). */
  replicaOf(routingKey: Buffer): string;
  /** DDL: not prepared (CQL cannot prepare schema statements), never carries user input. */
  executeDdl(query: string): Promise<void>;
  /** Number of requests currently in flight (for metrics and backpressure). */
  inFlight(): number;
  readonly client: cassandra.Client;
  shutdown(): Promise<void>;
}

export const CONSISTENCY: Readonly<Record<string, number>> = types.consistencies as unknown as Record<string, number>;

/** Errors worth retrying: the database was briefly unreachable, overloaded or slow. */
export function isRetryableDbError(err: unknown): boolean {
  if (err instanceof PinstateError) return err.canRetry;
  if (!(err instanceof Error)) return false;
  // A node stopping mid-request closes its sockets: the driver flags these, and every pinstate
  // write is idempotent, so retrying is safe (dead-lettering a valid op here would lose it).
  if ((err as Error & { isSocketError?: boolean }).isSocketError === true) return true;
  const name = err.name;
  if (name === 'NoHostAvailableError' || name === 'OperationTimedOutError' || name === 'BusyConnectionError') return true;
  if (name === 'ResponseError') {
    const code = (err as Error & { code?: number }).code;
    const rc = types.responseErrorCodes;
    return code === rc.overloaded || code === rc.isBootstrapping || code === rc.unavailableException || code === rc.writeTimeout || code === rc.readTimeout || code === rc.truncateError;
  }
  return false;
}

/** Wraps a driver error in a PinstateError with a retry decision attached. */
export function toDbError(err: unknown): PinstateError {
  if (err instanceof PinstateError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const timeout = err instanceof Error && (err.name === 'OperationTimedOutError' || /timeout/i.test(err.name));
  if (isRetryableDbError(err)) return new PinstateError(timeout ? 'DB_TIMEOUT' : 'DB_UNAVAILABLE', `database: ${message}`, { cause: err });
  return new PinstateError('INTERNAL', `database: ${message}`, { cause: err });
}

/** Kept for the writer until it retries through src/retry.ts itself. */
export { backoffDelayMs } from '../retry.js';

export interface SessionOptions {
  readonly config: ScyllaConfig;
  /** Connect to this keyspace (omit for schema creation). */
  readonly keyspace?: string | undefined;
  readonly logger?: Logger;
  /**
   * The driver's request tracker (called with the coordinator host of every query and batch):
   * per-host request counts, e.g. the multi-DC suite's proof that no request leaves local_dc.
   */
  readonly requestTracker?: cassandra.tracker.RequestTracker;
}

function buildClientOptions(config: ScyllaConfig, keyspace: string | undefined, requestTracker?: cassandra.tracker.RequestTracker): cassandra.ClientOptions {
  const options: cassandra.ClientOptions = {
    contactPoints: config.hosts.map((h) => (h.includes(':') ? h : `${h}:${config.port}`)),
    localDataCenter: config.localDc,
    ...(keyspace === undefined ? {} : { keyspace }),
    policies: {
      loadBalancing: new policies.loadBalancing.TokenAwarePolicy(new policies.loadBalancing.DCAwareRoundRobinPolicy(config.localDc)),
      retry: new policies.retry.FallthroughRetryPolicy(),
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(config.retryPolicy.minRetryDelayMs, config.retryPolicy.maxRetryDelayMs, false),
    },
    pooling: { coreConnectionsPerHost: { [cassandra.types.distance.local]: config.numConns, [cassandra.types.distance.remote]: 1 } },
    socketOptions: { readTimeout: config.timeoutMs, connectTimeout: config.connectTimeoutMs },
    queryOptions: {
      consistency: CONSISTENCY[config.consistency.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())] ?? types.consistencies.localQuorum,
      serialConsistency: config.serialConsistency === 'SERIAL' ? types.consistencies.serial : types.consistencies.localSerial,
      prepare: true,
      fetchSize: config.pageSize,
    },
    protocolOptions: { port: config.port, maxVersion: types.protocolVersion.v4 },
    // Blob cells (cid_bin on every row) become views into the response frame instead of copies:
    // one allocation and copy less per blob, and rows.ts turns them into text at once. The cost
    // is that a kept view keeps its frame (≤ a page) alive, so nothing may hold a row's Buffer
    // beyond the request that read it; the store maps rows to records and drops them.
    encoding: { copyBuffer: false },
    ...(requestTracker === undefined ? {} : { requestTracker }),
  };
  if (config.username !== undefined) {
    options.authProvider = new auth.PlainTextAuthProvider(config.username, config.password ?? '');
  }
  if (config.tls.enabled) {
    options.sslOptions = {
      rejectUnauthorized: !config.tls.insecureSkipVerify,
      ...(config.tls.caFile ? { ca: [readFileSync(config.tls.caFile)] } : {}),
      ...(config.tls.certFile ? { cert: readFileSync(config.tls.certFile) } : {}),
      ...(config.tls.keyFile ? { key: readFileSync(config.tls.keyFile) } : {}),
    };
  }
  return options;
}

/**
 * Why a connect failed, one `host: Error: message` per host tried. The driver's own
 * NoHostAvailableError message embeds each inner error with its stack trace; this keeps the
 * reason (e.g. `AuthenticationError: Provided username pinstate and/or password are incorrect`,
 * `Error: self-signed certificate in certificate chain`) on one line. Never includes credentials:
 * neither the driver nor the server puts a password in an error.
 */
export function connectFailure(err: unknown): string {
  const inner = (err as { innerErrors?: unknown } | null | undefined)?.innerErrors;
  if (inner !== null && typeof inner === 'object') {
    const parts = Object.entries(inner as Record<string, unknown>).map(([host, e]) =>
      e instanceof Error ? `${host}: ${e.name}: ${e.message.split('\n')[0]}` : `${host}: ${String(e)}`,
    );
    if (parts.length > 0) return parts.join('; ');
  }
  return err instanceof Error ? err.message : String(err);
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Opens a session; fails with DB_UNAVAILABLE (naming the hosts) when no host answers. */
export async function openSession(options: SessionOptions): Promise<CqlSession> {
  const { config } = options;
  const logger = (options.logger ?? silentLogger()).child({ component: 'cql' });
  const client = new Client(buildClientOptions(config, options.keyspace, options.requestTracker));
  try {
    await client.connect();
  } catch (err: unknown) {
    await client.shutdown().catch(() => undefined);
    throw new PinstateError('DB_UNAVAILABLE', `cannot connect to the database at ${config.hosts.join(',')}:${config.port}: ${connectFailure(err)}`, { cause: err });
  }
  let inFlight = 0;
  const { numRetries, minRetryDelayMs, maxRetryDelayMs } = config.retryPolicy;

  async function withRetry<T>(what: string, idempotent: boolean, fn: () => Promise<T>, beforeSend?: () => void): Promise<T> {
    try {
      return await retry(
        async (attempt) => {
          beforeSend?.();
          const started = performance.now();
          inFlight++;
          try {
            const result = await fn();
            if (config.traceQueries) logger.info({ query: what, ms: +(performance.now() - started).toFixed(3), attempt }, 'cql query');
            return result;
          } finally {
            inFlight--;
          }
        },
        {
          // A non-idempotent request is never sent twice.
          retries: idempotent ? numRetries : 0,
          minDelayMs: minRetryDelayMs,
          maxDelayMs: maxRetryDelayMs,
          shouldRetry: isRetryableDbError,
          onRetry: (err, attempt) => logger.warn({ query: what, attempt, err: errorText(err) }, 'cql retry'),
        },
      );
    } catch (err: unknown) {
      // A fence that stopped the request unsent is not a database failure.
      if (!(err instanceof PinstateError && err.category === 'rejoin')) logger.error({ query: what, err: errorText(err) }, 'cql failed');
      throw toDbError(err);
    }
  }

  return {
    keyspace: options.keyspace ?? '',
    client,
    inFlight: () => inFlight,
    async execute(query, params = [], opts = {}) {
      const result = await withRetry(query, opts.idempotent ?? true, () =>
        client.execute(query, params as CqlValue[], {
          prepare: true,
          isIdempotent: opts.idempotent ?? true,
          ...(opts.fetchSize === undefined ? {} : { fetchSize: opts.fetchSize }),
          ...(opts.pageState === undefined ? {} : { pageState: opts.pageState }),
          ...(opts.consistency === undefined ? {} : { consistency: opts.consistency }),
          ...(opts.routingKey === undefined ? {} : { routingKey: opts.routingKey }),
        }),
        opts.beforeSend,
      );
      return { rows: result.rows ?? [], pageState: result.pageState ?? undefined };
    },
    async batchLogged(statements, opts = {}) {
      if (statements.length === 0) return;
      await withRetry(`BATCH(${statements.length})`, opts.idempotent ?? true, () =>
        client.batch(
          statements.map((s) => ({ query: s.query, params: s.params as CqlValue[] })),
          { prepare: true, logged: true, isIdempotent: opts.idempotent ?? true, ...(opts.consistency === undefined ? {} : { consistency: opts.consistency }) },
        ),
        opts.beforeSend,
      );
    },
    async batchUnlogged(statements, opts = {}) {
      if (statements.length === 0) return;
      await withRetry(`UNLOGGED BATCH(${statements.length})`, opts.idempotent ?? true, () =>
        client.batch(
          statements.map((s) => ({ query: s.query, params: s.params as CqlValue[] })),
          {
            prepare: true,
            logged: false,
            isIdempotent: opts.idempotent ?? true,
            ...(opts.routingKey === undefined ? {} : { routingKey: opts.routingKey }),
            ...(opts.consistency === undefined ? {} : { consistency: opts.consistency }),
          },
        ),
        opts.beforeSend,
      );
    },
    replicaOf(routingKey) {
      if (!options.keyspace) return '';
      const replicas = client.getReplicas(options.keyspace, routingKey) as Array<{ address: string }> | null;
      return replicas?.[0]?.address ?? '';
    },
    async executeDdl(query) {
      await withRetry(query.slice(0, 60), true, () => client.execute(query, [], { prepare: false }));
    },
    async shutdown() {
      await client.shutdown();
    },
  };
}
