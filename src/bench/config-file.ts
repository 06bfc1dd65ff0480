/**
 * The compiled config back in the file format, so the benchmark can hand a child process (the
 * writer, `pinstate export`) exactly the settings it runs with, plus per-run names and overrides.
 * Pure apart from writeChildConfig, which writes the file (mode 0600: it may hold passwords).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE_VARIABLE, ENV_VARIABLES } from '../config/load.js';
import { validateConfig } from '../config/schema.js';
import type { PinstateConfig, TlsConfig } from '../config/types.js';
import { ConfigError } from '../errors.js';

type Json = Record<string, unknown>;

const tlsFile = (tls: TlsConfig): Json => ({
  enabled: tls.enabled,
  ca_file: tls.caFile ?? null,
  cert_file: tls.certFile ?? null,
  key_file: tls.keyFile ?? null,
  insecure_skip_verify: tls.insecureSkipVerify,
});

/**
 * The sections a bench child uses (log_level, heap_growing_percent, heap_semi_space_mb, scylladb, kafka, writer, api, ttl) in the JSON file
 * format; loadConfig of it gives those sections back. agent, pinning, cluster_api and allocator
 * are left at their defaults: no child the bench starts runs them.
 */
export function configFileOf(config: PinstateConfig): Json {
  const s = config.scylla;
  const k = config.kafka;
  const w = config.writer;
  return {
    log_level: config.logLevel,
    heap_growing_percent: config.heapGrowingPercent,
    heap_semi_space_mb: config.heapSemiSpaceMb,
    scylladb: {
      hosts: [...s.hosts],
      port: s.port,
      keyspace: s.keyspace,
      local_dc: s.localDc,
      consistency: s.consistency,
      serial_consistency: s.serialConsistency,
      timeout: s.timeoutMs,
      connect_timeout: s.connectTimeoutMs,
      num_conns: s.numConns,
      page_size: s.pageSize,
      retry_policy: { num_retries: s.retryPolicy.numRetries, min_retry_delay: s.retryPolicy.minRetryDelayMs, max_retry_delay: s.retryPolicy.maxRetryDelayMs },
      log_level: s.logLevel,
      trace_queries: s.traceQueries,
      username: s.username ?? null,
      password: s.password ?? null,
      tls: tlsFile(s.tls),
      backend: s.backend,
      replication: s.replication.class === 'SimpleStrategy' ? { class: 'SimpleStrategy', replication_factor: s.replication.replicationFactor } : { class: 'NetworkTopologyStrategy', ...s.replication.dataCenters },
      peer_bucket_bits: s.peerBucketBits,
      stats_shards: s.statsShards,
      ttl_shards: s.ttlShards,
      dedup_ttl: s.dedupTtlMs,
      events_ttl: s.eventsTtlMs,
      max_batch_bytes: s.maxBatchBytes,
      max_concurrency: s.maxConcurrency,
    },
    kafka: {
      brokers: [...k.brokers],
      client_id: k.clientId,
      topics: { intents: k.topics.intents, acks: k.topics.acks, placements: k.topics.placements, events: k.topics.events, dlq_suffix: k.topics.dlqSuffix },
      partitions: { ...k.partitions },
      replication_factor: k.replicationFactor,
      group_id: k.groupId,
      sasl: k.sasl === undefined ? null : { mechanism: k.sasl.mechanism, username: k.sasl.username, password: k.sasl.password },
      tls: tlsFile(k.tls),
      connection_timeout: k.connectionTimeoutMs,
      request_timeout: k.requestTimeoutMs,
    },
    writer: {
      max_batch_ops: w.maxBatchOps,
      partitions_concurrently: w.partitionsConcurrently,
      joint_commit: w.jointCommit,
      drain_timeout: w.drainTimeoutMs,
      session_timeout: w.sessionTimeoutMs,
      heartbeat_interval: w.heartbeatIntervalMs,
    },
    api: { host: config.api.host, port: config.api.port, tokens: [...config.api.tokens], max_body_bytes: config.api.maxBodyBytes },
    ttl: { sweep_interval: config.ttl.sweepIntervalMs },
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`, objects key by key, anything else replaced. Pure. */
export function mergeFile(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isObject(prev) && isObject(value) ? mergeFile(prev, value) : value;
  }
  return out;
}

/**
 * `config` with file-format `overrides` applied and validated again (a bad override fails with a
 * ConfigError naming the key, like a bad config file).
 */
export function withOverrides(config: PinstateConfig, overrides: Json): PinstateConfig {
  const result = validateConfig(mergeFile(configFileOf(config), overrides));
  if (!result.ok) {
    const first = result.issues[0]!;
    throw new ConfigError(first.path, `${first.message} (from --override)`);
  }
  return result.config;
}

export interface ChildConfig {
  readonly file: string;
  /** The environment for the child: ours minus every variable pinstate reads, plus PINSTATE_CONFIG. */
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

/** Writes `config` to a private temp file for a child process. */
export function writeChildConfig(config: PinstateConfig): ChildConfig {
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-bench-'));
  const file = join(dir, 'pinstate.json');
  writeFileSync(file, JSON.stringify(configFileOf(config), null, 2), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The file holds the resolved values; variables left in the environment would override them.
  for (const v of ENV_VARIABLES) delete env[v.name];
  env[CONFIG_FILE_VARIABLE] = file;
  return { file, env, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
