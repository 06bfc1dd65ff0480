/**
 * The embedded default: with no Kafka or database configured, pinstate talks to the local stack
 * (tools/local-stack/stack.sh: Kafka on 127.0.0.1:9092, Cassandra on 127.0.0.1:9042) and
 * `pinstate start` brings it up first when it is not already answering.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { PinstateConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import { packageRoot } from '../paths.js';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** True when the config points at the local stack's addresses (the defaults), not elsewhere. */
export function usesLocalStack(config: PinstateConfig): boolean {
  const brokersLocal = config.kafka.brokers.every((b) => {
    const [host, port] = b.split(':');
    return LOCAL_HOSTS.has(host ?? '') && port === '9092';
  });
  const dbLocal = config.scylla.port === 9042 && config.scylla.hosts.every((h) => LOCAL_HOSTS.has(h) || h === '127.0.0.1:9042' || h === 'localhost:9042');
  return brokersLocal && dbLocal;
}

export function portOpen(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Runs `stack.sh up` unless Kafka and the database already answer on the local ports. The
 * script's output goes to `write`.
 * @returns true when it started the stack, false when it was already up.
 */
export async function ensureLocalStack(write: (text: string) => void): Promise<boolean> {
  if ((await portOpen('127.0.0.1', 9092)) && (await portOpen('127.0.0.1', 9042))) return false;
  const script = join(packageRoot(), 'tools/local-stack/stack.sh');
  if (!existsSync(script)) {
    throw new PinstateError('KAFKA_UNAVAILABLE', `nothing answers on 127.0.0.1:9092/9042 and ${script} is not here; set KAFKA_BROKERS and SCYLLA_HOSTS (or a config file) to your servers`);
  }
  write('pinstate: starting the local stack (Kafka + Cassandra; the first run downloads them)\n');
  await new Promise<void>((resolve, reject) => {
    // --no-secure: the TLS + password test node is for the security tests, not for running pinstate.
    const child = spawn('bash', [script, 'up', '--no-secure'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => write(d.toString()));
    child.stderr.on('data', (d: Buffer) => write(d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new PinstateError('KAFKA_UNAVAILABLE', `tools/local-stack/stack.sh up failed (${signal ?? `exit ${code}`}); see its output above`)),
    );
  });
  return true;
}
