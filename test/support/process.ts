/** Running pinstate parts as real child processes (fault tests kill them with real signals). */
import { sleep } from '../../src/sleep.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinstateConfig } from '../../src/config/types.js';
import { packageRoot } from '../../src/paths.js';

/** The compiled config back in the file format (the keys tests vary). */
export function rawConfigOf(config: PinstateConfig): Record<string, unknown> {
  const s = config.scylla;
  const k = config.kafka;
  return {
    log_level: 'info',
    scylladb: {
      hosts: s.hosts,
      port: s.port,
      keyspace: s.keyspace,
      local_dc: s.localDc,
      consistency: s.consistency,
      peer_bucket_bits: s.peerBucketBits,
      stats_shards: s.statsShards,
      ttl_shards: s.ttlShards,
      retry_policy: { num_retries: s.retryPolicy.numRetries, min_retry_delay: s.retryPolicy.minRetryDelayMs, max_retry_delay: s.retryPolicy.maxRetryDelayMs },
    },
    kafka: {
      brokers: k.brokers,
      topics: { intents: k.topics.intents, acks: k.topics.acks, placements: k.topics.placements, events: k.topics.events, peers: k.topics.peers, dlq_suffix: k.topics.dlqSuffix },
      partitions: k.partitions,
      group_id: k.groupId,
    },
    writer: {
      max_batch_ops: config.writer.maxBatchOps,
      drain_timeout: config.writer.drainTimeoutMs,
      session_timeout: config.writer.sessionTimeoutMs,
      heartbeat_interval: config.writer.heartbeatIntervalMs,
    },
    // Each pipeline's own allocator group (test/support/kafka.ts), not the shared default.
    allocator: { group_id: config.allocator.groupId },
  };
}

export function writeConfigFile(config: PinstateConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-test-'));
  const file = join(dir, 'pinstate.json');
  writeFileSync(file, JSON.stringify(rawConfigOf(config), null, 2));
  return file;
}

export interface Child {
  readonly proc: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
}

/** Starts the standalone writer process with a config file. */
export function spawnWriter(configFile: string): Child {
  const root = packageRoot();
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'consumers/writer/main.ts')], {
    cwd: root,
    env: { ...process.env, PINSTATE_CONFIG: configFile, KAFKA_BROKERS: '', SCYLLA_HOSTS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | string>((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { proc, output: () => text, exited };
}

/** Waits until the child printed `text` (e.g. "writer running"); fails with its output after `ms`. */
export async function waitForOutput(child: Child, text: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!child.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`child never printed ${JSON.stringify(text)}; output:\n${child.output()}`);
    await sleep(100);
  }
}
