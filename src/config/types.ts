/**
 * The compiled configuration: fully filled, frozen, explicit units. Produced once at start by
 * `loadConfig()` from the seed-format JSON file plus environment variables; nothing else reads
 * the raw file. Each field's comment names its JSON key and default.
 */
import type { AgentConfig } from './agent-config.js';
import type { AllocatorConfig } from './allocator-config.js';

import type { PinningConfig } from './pinning-config.js';
import type { ClusterApiConfig } from './cluster-api-config.js';
export type { ClusterApiConfig } from './cluster-api-config.js';

export type Consistency = 'ANY' | 'ONE' | 'TWO' | 'THREE' | 'QUORUM' | 'ALL' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'LOCAL_ONE';
export type SerialConsistency = 'SERIAL' | 'LOCAL_SERIAL';
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
/** `cassandra` (Apache Cassandra 5.0, the local stand-in) or `scylla` (enables ScyllaDB-only CQL). */
export type Backend = 'cassandra' | 'scylla';

export type Replication =
  | { readonly class: 'SimpleStrategy'; readonly replicationFactor: number }
  | { readonly class: 'NetworkTopologyStrategy'; readonly dataCenters: Readonly<Record<string, number>> };

export interface TlsConfig {
  /** `tls.enabled`, default false. */
  readonly enabled: boolean;
  /** `tls.ca_file`: PEM file of CAs to trust; default none (system CAs). */
  readonly caFile: string | undefined;
  /** `tls.cert_file` / `tls.key_file`: client certificate, default none. */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** `tls.insecure_skip_verify`, default false. */
  readonly insecureSkipVerify: boolean;
}

export interface RetryPolicyConfig {
  /** `retry_policy.num_retries`, default 5. */
  readonly numRetries: number;
  /** `retry_policy.min_retry_delay`, default "100ms". */
  readonly minRetryDelayMs: number;
  /** `retry_policy.max_retry_delay`, default "10s". */
  readonly maxRetryDelayMs: number;
}

export interface ScyllaConfig {
  /** `scylladb.hosts`, default ["127.0.0.1"]; env SCYLLA_HOSTS (comma list). */
  readonly hosts: readonly string[];
  /** `scylladb.port`, default 9042; env SCYLLA_PORT. */
  readonly port: number;
  /** `scylladb.keyspace`, default "ipfs_pins"; env SCYLLA_KEYSPACE. */
  readonly keyspace: string;
  /** `scylladb.local_dc`, default "datacenter1"; env SCYLLA_LOCAL_DC. */
  readonly localDc: string;
  /** `scylladb.consistency`, default "LOCAL_QUORUM". */
  readonly consistency: Consistency;
  /** `scylladb.serial_consistency`, default "LOCAL_SERIAL". */
  readonly serialConsistency: SerialConsistency;
  /** `scylladb.timeout` (per request), default "12s". */
  readonly timeoutMs: number;
  /** `scylladb.connect_timeout`, default "5s". */
  readonly connectTimeoutMs: number;
  /** `scylladb.num_conns` (connections per host), default 2. */
  readonly numConns: number;
  /** `scylladb.page_size`, default 1000 (a scan holds about 2 × list concurrency pages: ~50 MB live at 1000, ~130 MB at 5000, same rate). */
  readonly pageSize: number;
  readonly retryPolicy: RetryPolicyConfig;
  /** `scylladb.log_level`, default "info". */
  readonly logLevel: LogLevel;
  /** `scylladb.trace_queries`, default false: log every query with its latency. */
  readonly traceQueries: boolean;
  /** `scylladb.username` / `scylladb.password`; env SCYLLA_USERNAME / SCYLLA_PASSWORD. Default none. */
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: TlsConfig;
  /** `scylladb.backend`, default "cassandra"; env SCYLLA_BACKEND. */
  readonly backend: Backend;
  /** `scylladb.replication`, default {"class":"SimpleStrategy","replication_factor":1}; NTS form: {"class":"NetworkTopologyStrategy","dc1":3,"dc2":1}. */
  readonly replication: Replication;
  /** `scylladb.peer_bucket_bits` (B of pins_by_peer buckets), default 15; fixed at keyspace creation. */
  readonly peerBucketBits: number;
  /** `scylladb.stats_shards`, default 64; must be a multiple of the intents partition count. */
  readonly statsShards: number;
  /** `scylladb.ttl_shards`, default 1024: pin_ttl_queue shards per hour bucket. */
  readonly ttlShards: number;
  /** `scylladb.dedup_ttl`, default "168h" (7 days). */
  readonly dedupTtlMs: number;
  /** `scylladb.events_ttl`, default "720h" (30 days). */
  readonly eventsTtlMs: number;
  /** `scylladb.max_batch_bytes`, default 40960 (under Cassandra's 50 KiB batch_size_fail_threshold). */
  readonly maxBatchBytes: number;
  /** `scylladb.max_concurrency` (in-flight CQL requests per process), default 128. */
  readonly maxConcurrency: number;
}

export interface KafkaTopics {
  /** `kafka.topics.intents`, default "pins.intents". */
  readonly intents: string;
  /** `kafka.topics.acks`, default "pins.acks". */
  readonly acks: string;
  /** `kafka.topics.placements`, default "pins.placements". */
  readonly placements: string;
  /** `kafka.topics.events`, default "pins.events". */
  readonly events: string;
  /** `kafka.topics.peers`, default "pins.peers": agents' heartbeats (key = peer id, compacted). */
  readonly peers: string;
  /** `kafka.topics.dlq_suffix`, default ".dlq". */
  readonly dlqSuffix: string;
}

export interface KafkaConfig {
  /** `kafka.brokers`, default ["127.0.0.1:9092"]; env KAFKA_BROKERS (comma list). */
  readonly brokers: readonly string[];
  /** `kafka.client_id`, default "pinstate". */
  readonly clientId: string;
  readonly topics: KafkaTopics;
  /** `kafka.partitions.intents` / `.acks` (must be equal), default 64; `.placements` / `.events`, default 16; `.peers`, default 4. */
  readonly partitions: { readonly intents: number; readonly acks: number; readonly placements: number; readonly events: number; readonly peers: number };
  /** `kafka.replication_factor` for created topics, default 1. */
  readonly replicationFactor: number;
  /** `kafka.group_id` of the writer, default "pinstate-writer"; env KAFKA_GROUP_ID. */
  readonly groupId: string;
  /** `kafka.sasl` {mechanism: "plain"|"scram-sha-256"|"scram-sha-512", username, password}; env KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD. Default none. */
  readonly sasl: { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: string } | undefined;
  readonly tls: TlsConfig;
  /** `kafka.connection_timeout`, default "10s". */
  readonly connectionTimeoutMs: number;
  /** `kafka.request_timeout`, default "30s". */
  readonly requestTimeoutMs: number;
}

export interface WriterConfig {
  /** `writer.max_batch_ops`: ops applied per store commit, default 1000. */
  readonly maxBatchOps: number;
  /** `writer.partitions_concurrently`: Kafka partitions processed at once, default 64 (the default partition count). */
  readonly partitionsConcurrently: number;
  /**
   * `writer.joint_commit`, default true: small chunks of different partitions fetched together are
   * applied in one store call, published in one send and committed in one offset commit.
   */
  readonly jointCommit: boolean;
  /** `writer.drain_timeout`: bound on graceful stop, default "30s". */
  readonly drainTimeoutMs: number;
  /** `writer.session_timeout`, default "30s"; `writer.heartbeat_interval`, default "3s". */
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface ApiConfig {
  /** `api.host`, default "127.0.0.1"; env PINSTATE_API_HOST. */
  readonly host: string;
  /** `api.port`, default 9097; env PINSTATE_API_PORT. */
  readonly port: number;
  /** `api.tokens`: bearer tokens accepted on write endpoints; empty = auth off. Env PINSTATE_API_TOKENS (comma list). */
  readonly tokens: readonly string[];
  /** `api.max_body_bytes`, default 1048576. */
  readonly maxBodyBytes: number;
}

export interface TtlConfig {
  /** `ttl.sweep_interval`, default "1m". */
  readonly sweepIntervalMs: number;
}

export interface PinstateConfig {
  readonly scylla: ScyllaConfig;
  readonly kafka: KafkaConfig;
  readonly writer: WriterConfig;
  readonly agent: AgentConfig;
  readonly api: ApiConfig;
  /** The Pinning Services API's tokens → owners (src/config/pinning-config.ts). */
  readonly pinning: PinningConfig;
  /** `cluster_api`: the IPFS Cluster REST API listener (src/config/cluster-api-config.ts). */
  readonly clusterApi: ClusterApiConfig;
  readonly ttl: TtlConfig;
  readonly allocator: AllocatorConfig;
  /** `log_level`, default "info"; env PINSTATE_LOG_LEVEL. */
  readonly logLevel: LogLevel;
  /**
   * `heap_growing_percent`, default 100; env PINSTATE_HEAP_GROWING_PERCENT. How far past the live
   * heap V8 may grow before its next full collection, in percent; 0 leaves V8's own policy (src/heap-policy.ts).
   */
  readonly heapGrowingPercent: number;
  /**
   * `heap_semi_space_mb`, default 16; env PINSTATE_HEAP_SEMI_SPACE_MB. V8's largest semi-space
   * (`--max-semi-space-size`) for the long-running commands, which re-execute themselves with it on
   * Node versions that have process.execve; 0 leaves V8's own size (src/heap-policy.ts).
   */
  readonly heapSemiSpaceMb: number;
}
