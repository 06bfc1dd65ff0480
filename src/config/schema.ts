/**
 * The config file format (the seed's snake_case JSON) as a zod 4 schema, the cross-field
 * rules zod cannot express per key, and the mapping to the compiled `PinstateConfig`.
 * Defaults are written in file syntax (`prefault`) so they pass the same validation as user input.
 */
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { duration, int } from './fields.js';
import { clusterApiSchema, toClusterApiConfig } from './cluster-api-config.js';
import { allocatorSchema, toAllocatorConfig } from './allocator-config.js';
import { pinningSchema, toPinningConfig } from './pinning-config.js';
import type { Backend, Consistency, LogLevel, PinstateConfig, Replication, SerialConsistency, TlsConfig } from './types.js';
import { agentSchema, toAgentConfig } from './agent-config.js';

export const CONSISTENCIES = ['ANY', 'ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const satisfies readonly Consistency[];
export const SERIAL_CONSISTENCIES = ['SERIAL', 'LOCAL_SERIAL'] as const satisfies readonly SerialConsistency[];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const satisfies readonly LogLevel[];
export const BACKENDS = ['cassandra', 'scylla'] as const satisfies readonly Backend[];
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export { MAX_TIMER_MS } from './fields.js';
/**
 * `heap_growing_percent`'s default: V8 may grow the heap to twice what was live after a full
 * collection, where its own policy allows four times (docs/benchmarks.md#memory).
 */
export const DEFAULT_HEAP_GROWING_PERCENT = 100;
/**
 * `heap_semi_space_mb`'s default: V8's largest semi-space on Node 20 (a young generation of up to
 * 32 MB). Node 22 and later let it grow to 64 MB (up to 128 MB of young generation): a writer
 * draining a 1M-pin backlog under Node 24 peaked at 427 MB RSS with it, 333 MB with 16
 * (docs/benchmarks.md#memory).
 */
export const DEFAULT_HEAP_SEMI_SPACE_MB = 16;
/** Cassandra's and ScyllaDB's largest TTL: 20 years, in seconds. */
const MAX_TTL_MS = 630_720_000 * 1000;
export const KEYSPACE_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;
/** Kafka's legal topic characters; names are at most 249 characters. */
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;
/** `host:port`, the host possibly a bracketed IPv6 address. */
const BROKER_PATTERN = /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]/]+):(\d{1,5})$/;

// ---- leaf helpers: each carries the "expected …" text its error names ----

const bool = z.boolean({ error: 'expected true or false' });

const nonEmptyString = (what = 'a non-empty string') => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

/** Optional text: absent, `null` and `""` all mean "none", as in the seed's files. */
const optionalString = (what: string) =>
  z
    .string({ error: `expected ${what} or null` })
    .nullish()
    .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

/** A string enum matched case-insensitively and normalised to the canonical case. */
function caseInsensitiveEnum<const T extends string>(values: readonly T[], toCanonical: (s: string) => string) {
  const expected = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return z.string({ error: expected }).transform((s, ctx): T => {
    const canonical = toCanonical(s.trim());
    const found = values.find((v) => v === canonical);
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: `${expected}, got ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return found;
  });
}
const upper = (s: string): string => s.toUpperCase();
const lower = (s: string): string => s.toLowerCase();

const timeout = () => duration({ positive: true });
const ttl = () => duration({ minMs: 1000, maxMs: MAX_TTL_MS, wholeSeconds: true });

const hostSchema = z
  .string({ error: 'expected a host name or address' })
  .regex(/^\S+$/, { error: 'expected a host name or address without spaces' });

const brokerSchema = z.string({ error: 'expected "host:port"' }).refine(
  (s) => {
    const port = BROKER_PATTERN.exec(s)?.[1];
    return port !== undefined && Number(port) >= 1 && Number(port) <= 65535;
  },
  { error: 'expected "host:port" with a port from 1 to 65535' },
);

const topicSchema = z
  .string({ error: 'expected a topic name' })
  .regex(TOPIC_PATTERN, { error: 'expected a topic name of letters, digits, ".", "_" and "-"' })
  .max(MAX_TOPIC_LENGTH, { error: `expected a topic name of at most ${MAX_TOPIC_LENGTH} characters` });

const object = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, { error: 'expected an object' });

// ---- blocks ----

const tlsSchema = object({
  enabled: bool.prefault(false),
  ca_file: optionalString('a file path'),
  cert_file: optionalString('a file path'),
  key_file: optionalString('a file path'),
  insecure_skip_verify: bool.prefault(false),
}).prefault({});

const replicationSchema = z.discriminatedUnion(
  'class',
  [
    object({ class: z.literal('SimpleStrategy'), replication_factor: int(1).prefault(1) }),
    // Every key but `class` names a data center; its value is that data center's factor.
    z
      .object({ class: z.literal('NetworkTopologyStrategy') }, { error: 'expected an object' })
      .catchall(int(0))
      .superRefine((value, ctx) => {
        const dataCenters = Object.keys(value).filter((k) => k !== 'class');
        if (dataCenters.includes('replication_factor')) {
          ctx.addIssue({ code: 'custom', path: ['replication_factor'], message: 'not used by NetworkTopologyStrategy: give a factor per data center, e.g. "dc1": 3' });
        } else if (dataCenters.length === 0) {
          ctx.addIssue({ code: 'custom', message: 'NetworkTopologyStrategy needs at least one data center, e.g. {"class":"NetworkTopologyStrategy","dc1":3}' });
        }
      }),
  ],
  { error: 'expected {"class":"SimpleStrategy","replication_factor":N} or {"class":"NetworkTopologyStrategy","<dc>":N,…}' },
);

const scylladbSchema = object({
  hosts: z.array(hostSchema, { error: 'expected a list of hosts' }).min(1, { error: 'expected at least one host' }).prefault(['127.0.0.1']),
  port: int(1, 65535).prefault(9042),
  keyspace: z
    .string({ error: 'expected a keyspace name' })
    .regex(KEYSPACE_PATTERN, { error: 'expected a keyspace name matching /^[a-z][a-z0-9_]{0,47}$/ (lower-case letter, then up to 47 lower-case letters, digits or "_")' })
    .prefault('ipfs_pins'),
  local_dc: nonEmptyString('a data center name').prefault('datacenter1'),
  consistency: caseInsensitiveEnum(CONSISTENCIES, upper).prefault('LOCAL_QUORUM'),
  serial_consistency: caseInsensitiveEnum(SERIAL_CONSISTENCIES, upper).prefault('LOCAL_SERIAL'),
  timeout: timeout().prefault('12s'),
  connect_timeout: timeout().prefault('5s'),
  num_conns: int(1).prefault(2),
  page_size: int(1).prefault(1000),
  retry_policy: object({
    num_retries: int(0).prefault(5),
    min_retry_delay: duration().prefault('100ms'),
    max_retry_delay: duration().prefault('10s'),
  }).prefault({}),
  log_level: caseInsensitiveEnum(LOG_LEVELS, lower).prefault('info'),
  trace_queries: bool.prefault(false),
  username: optionalString('a user name'),
  password: optionalString('a password'),
  tls: tlsSchema,
  backend: caseInsensitiveEnum(BACKENDS, lower).prefault('cassandra'),
  replication: replicationSchema.prefault({ class: 'SimpleStrategy', replication_factor: 1 }),
  peer_bucket_bits: int(0, 16).prefault(15),
  stats_shards: int(1).prefault(64),
  ttl_shards: int(1).prefault(1024),
  dedup_ttl: ttl().prefault('168h'),
  events_ttl: ttl().prefault('720h'),
  max_batch_bytes: int(1).prefault(40960),
  max_concurrency: int(1).prefault(128),
})
  // A redelivered op re-publishes its outputs from its pin_events row (schema 5): that row must outlive the op's op_dedup row.
  .superRefine((value, ctx) => {
    if (value.events_ttl < value.dedup_ttl) ctx.addIssue({ code: 'custom', path: ['events_ttl'], message: 'must be at least scylladb.dedup_ttl: a redelivered op re-publishes its outputs from its event row' });
  })
  .prefault({});

const kafkaSchema = object({
  brokers: z.array(brokerSchema, { error: 'expected a list of "host:port" brokers' }).min(1, { error: 'expected at least one broker' }).prefault(['127.0.0.1:9092']),
  client_id: nonEmptyString().prefault('pinstate'),
  topics: object({
    intents: topicSchema.prefault('pins.intents'),
    acks: topicSchema.prefault('pins.acks'),
    placements: topicSchema.prefault('pins.placements'),
    events: topicSchema.prefault('pins.events'),
    peers: topicSchema.prefault('pins.peers'),
    dlq_suffix: topicSchema.prefault('.dlq'),
  }).prefault({}),
  partitions: object({
    intents: int(1).prefault(64),
    acks: int(1).prefault(64),
    placements: int(1).prefault(16),
    events: int(1).prefault(16),
    peers: int(1).prefault(4),
  }).prefault({}),
  replication_factor: int(1, 32767).prefault(1),
  group_id: nonEmptyString().prefault('pinstate-writer'),
  sasl: object({
    mechanism: caseInsensitiveEnum(SASL_MECHANISMS, lower).prefault('plain'),
    username: optionalString('a user name'),
    password: optionalString('a password'),
  }).nullish(),
  tls: tlsSchema,
  connection_timeout: timeout().prefault('10s'),
  request_timeout: timeout().prefault('30s'),
}).prefault({});

const writerSchema = object({
  max_batch_ops: int(1).prefault(1000),
  partitions_concurrently: int(1).prefault(64),
  joint_commit: z.boolean({ error: 'expected true or false' }).prefault(true),
  drain_timeout: timeout().prefault('30s'),
  session_timeout: timeout().prefault('30s'),
  heartbeat_interval: timeout().prefault('3s'),
}).prefault({});

const apiSchema = object({
  host: nonEmptyString('a host name or address').prefault('127.0.0.1'),
  port: int(0, 65535).prefault(9097),
  tokens: z.array(nonEmptyString('a non-empty token'), { error: 'expected a list of tokens' }).prefault([]),
  max_body_bytes: int(1).prefault(1_048_576),
}).prefault({});

const ttlSchema = object({
  sweep_interval: timeout().prefault('1m'),
}).prefault({});

/** The whole config file. Every key is optional; absent keys take their defaults. */
export const configFileSchema = object({
  scylladb: scylladbSchema,
  kafka: kafkaSchema,
  writer: writerSchema,
  agent: agentSchema,
  api: apiSchema,
  pinning: pinningSchema,
  cluster_api: clusterApiSchema,
  ttl: ttlSchema,
  allocator: allocatorSchema,
  log_level: caseInsensitiveEnum(LOG_LEVELS, lower).prefault('info'),
  heap_growing_percent: int(0, 1000).prefault(DEFAULT_HEAP_GROWING_PERCENT),
  heap_semi_space_mb: int(0, 1024).prefault(DEFAULT_HEAP_SEMI_SPACE_MB),
});

/** `scylladb.replication` as written. zod infers the NTS form as `{ [dc: string]: number; class: … }`, which no object literal satisfies. */
export type ReplicationInput =
  | { readonly class: 'SimpleStrategy'; readonly replication_factor?: number | undefined }
  | ({ readonly class: 'NetworkTopologyStrategy' } & Readonly<Record<string, number | string>>);

type InferredInput = z.input<typeof configFileSchema>;
type ScyllaInput = NonNullable<InferredInput['scylladb']>;

/** What a config file (or `loadConfig`'s `overrides`) may contain: every key optional, file syntax. */
export type ConfigFileInput = Omit<InferredInput, 'scylladb'> & {
  readonly scylladb?: (Omit<ScyllaInput, 'replication'> & { readonly replication?: ReplicationInput | undefined }) | undefined;
};
/** The file after validation: snake_case, every default filled, durations in milliseconds. */
export type ParsedConfigFile = z.output<typeof configFileSchema>;

/** One problem with one key; `path` is dotted (`scylladb.hosts[0]`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

export type ConfigValidation = { readonly ok: true; readonly config: PinstateConfig } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Keys whose values are secrets: their values never appear in messages. */
const SECRET_PATHS = ['scylladb.password', 'kafka.sasl.password', 'api.tokens', 'pinning.tokens', 'cluster_api.basic_auth_credentials'];

export function isSecretPath(path: string): boolean {
  return SECRET_PATHS.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

/**
 * Validates a raw (merged) config object and compiles it. Key-level problems come first; the
 * cross-field rules run only on a structurally valid file, so they never see half-parsed values.
 */
export function validateConfig(raw: unknown): ConfigValidation {
  const result = configFileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) return { ok: false, issues: result.error.issues.flatMap(toConfigIssues) };
  const crossIssues = crossFieldIssues(result.data);
  if (crossIssues.length > 0) return { ok: false, issues: crossIssues };
  return { ok: true, config: toConfig(result.data) };
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function toConfigIssues(issue: z.core.$ZodIssue): ConfigIssue[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }));
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
    // The path already ends at the discriminator key; show that key's value, not the whole object.
    const options = issue.options.map((o) => JSON.stringify(o)).join(' or ');
    const input: unknown = issue.input;
    const got = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[issue.discriminator] : undefined;
    return [{ path, message: `expected ${options}${gotSuffix(path, got)}` }];
  }
  // Custom issues already carry the received value where it is safe to show.
  const suffix = issue.code === 'custom' ? '' : gotSuffix(path, issue.input);
  const message = issue.input === undefined && issue.code === 'invalid_type' ? `required: ${issue.message}` : `${issue.message}${suffix}`;
  return [{ path, message }];
}

function gotSuffix(path: string, input: unknown): string {
  if (input === undefined || isSecretPath(path)) return '';
  return `, got ${describeValue(input)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else return typeof value === 'object' ? 'an object' : typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Rules that relate two or more keys. Each issue names the key to change. */
function crossFieldIssues(file: ParsedConfigFile): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  const { scylladb, kafka, writer } = file;

  const retry = scylladb.retry_policy;
  if (retry.min_retry_delay > retry.max_retry_delay) {
    add('scylladb.retry_policy.min_retry_delay', `must not exceed scylladb.retry_policy.max_retry_delay (${formatDuration(retry.max_retry_delay)}), got ${formatDuration(retry.min_retry_delay)}`);
  }
  if (kafka.partitions.acks !== kafka.partitions.intents) {
    add('kafka.partitions.acks', `must equal kafka.partitions.intents (${kafka.partitions.intents}): a CID's ack and intent land on the same partition number, got ${kafka.partitions.acks}`);
  }
  if (scylladb.stats_shards % kafka.partitions.intents !== 0) {
    add('scylladb.stats_shards', `must be a multiple of kafka.partitions.intents (${kafka.partitions.intents}) so each writer owns whole shards, got ${scylladb.stats_shards}`);
  }
  if ((scylladb.username === undefined) !== (scylladb.password === undefined)) {
    add(scylladb.username === undefined ? 'scylladb.username' : 'scylladb.password', 'scylladb.username and scylladb.password must be given together');
  }
  if (kafka.sasl !== null && kafka.sasl !== undefined) {
    if (kafka.sasl.username === undefined) add('kafka.sasl.username', 'required when kafka.sasl is set');
    if (kafka.sasl.password === undefined) add('kafka.sasl.password', 'required when kafka.sasl is set');
  }
  for (const [block, tls] of [['scylladb', scylladb.tls], ['kafka', kafka.tls]] as const) {
    if ((tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      add(`${block}.tls.${tls.cert_file === undefined ? 'cert_file' : 'key_file'}`, `${block}.tls.cert_file and ${block}.tls.key_file must be given together`);
    }
  }
  if (writer.heartbeat_interval >= writer.session_timeout) {
    add('writer.heartbeat_interval', `must be less than writer.session_timeout (${formatDuration(writer.session_timeout)}), got ${formatDuration(writer.heartbeat_interval)}`);
  }
  const topicKeys = ['intents', 'acks', 'placements', 'events', 'peers'] as const;
  const seen = new Map<string, string>();
  for (const key of topicKeys) {
    const name = kafka.topics[key];
    const clash = seen.get(name);
    if (clash !== undefined) add(`kafka.topics.${key}`, `must differ from kafka.topics.${clash}, got ${JSON.stringify(name)}`);
    seen.set(name, key);
    if (name.length + kafka.topics.dlq_suffix.length > MAX_TOPIC_LENGTH) {
      add(`kafka.topics.${key}`, `with kafka.topics.dlq_suffix the dead-letter topic name exceeds ${MAX_TOPIC_LENGTH} characters`);
    }
  }
  return issues;
}

function toTls(tls: ParsedConfigFile['scylladb']['tls']): TlsConfig {
  return {
    enabled: tls.enabled,
    caFile: tls.ca_file,
    certFile: tls.cert_file,
    keyFile: tls.key_file,
    insecureSkipVerify: tls.insecure_skip_verify,
  };
}

function toReplication(replication: ParsedConfigFile['scylladb']['replication']): Replication {
  if (replication.class === 'SimpleStrategy') return { class: 'SimpleStrategy', replicationFactor: replication.replication_factor };
  const dataCenters: Record<string, number> = {};
  for (const [name, factor] of Object.entries(replication)) {
    if (name !== 'class' && typeof factor === 'number') dataCenters[name] = factor;
  }
  return { class: 'NetworkTopologyStrategy', dataCenters };
}

/** snake_case file → the compiled camelCase config (not yet frozen). */
function toConfig(file: ParsedConfigFile): PinstateConfig {
  const { scylladb: s, kafka: k, writer: w, api: a } = file;
  const sasl = k.sasl ?? undefined;
  return {
    scylla: {
      hosts: [...s.hosts],
      port: s.port,
      keyspace: s.keyspace,
      localDc: s.local_dc,
      consistency: s.consistency,
      serialConsistency: s.serial_consistency,
      timeoutMs: s.timeout,
      connectTimeoutMs: s.connect_timeout,
      numConns: s.num_conns,
      pageSize: s.page_size,
      retryPolicy: {
        numRetries: s.retry_policy.num_retries,
        minRetryDelayMs: s.retry_policy.min_retry_delay,
        maxRetryDelayMs: s.retry_policy.max_retry_delay,
      },
      logLevel: s.log_level,
      traceQueries: s.trace_queries,
      username: s.username,
      password: s.password,
      tls: toTls(s.tls),
      backend: s.backend,
      replication: toReplication(s.replication),
      peerBucketBits: s.peer_bucket_bits,
      statsShards: s.stats_shards,
      ttlShards: s.ttl_shards,
      dedupTtlMs: s.dedup_ttl,
      eventsTtlMs: s.events_ttl,
      maxBatchBytes: s.max_batch_bytes,
      maxConcurrency: s.max_concurrency,
    },
    kafka: {
      brokers: [...k.brokers],
      clientId: k.client_id,
      topics: {
        intents: k.topics.intents,
        acks: k.topics.acks,
        placements: k.topics.placements,
        events: k.topics.events,
        peers: k.topics.peers,
        dlqSuffix: k.topics.dlq_suffix,
      },
      partitions: { ...k.partitions },
      replicationFactor: k.replication_factor,
      groupId: k.group_id,
      // Cross-field checks guarantee both are present when sasl is set.
      sasl: sasl === undefined ? undefined : { mechanism: sasl.mechanism, username: sasl.username ?? '', password: sasl.password ?? '' },
      tls: toTls(k.tls),
      connectionTimeoutMs: k.connection_timeout,
      requestTimeoutMs: k.request_timeout,
    },
    writer: {
      maxBatchOps: w.max_batch_ops,
      partitionsConcurrently: w.partitions_concurrently,
      jointCommit: w.joint_commit,
      drainTimeoutMs: w.drain_timeout,
      sessionTimeoutMs: w.session_timeout,
      heartbeatIntervalMs: w.heartbeat_interval,
    },
    agent: toAgentConfig(file.agent),
    api: { host: a.host, port: a.port, tokens: [...a.tokens], maxBodyBytes: a.max_body_bytes },
    pinning: toPinningConfig(file.pinning),
    clusterApi: toClusterApiConfig(file.cluster_api),
    ttl: { sweepIntervalMs: file.ttl.sweep_interval },
    allocator: toAllocatorConfig(file.allocator),
    logLevel: file.log_level,
    heapGrowingPercent: file.heap_growing_percent,
    heapSemiSpaceMb: file.heap_semi_space_mb,
  };
}
