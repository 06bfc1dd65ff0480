/**
 * Shared by the security suite: configs for the secure servers of the local stack (Kafka's
 * SASL_SSL / SASL_PLAINTEXT listeners, the Cassandra node that requires TLS and a password; see
 * docs/security.md), an untrusted CA made on the fly, and a log capture.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe } from 'vitest';
import type { PinstateConfig } from '../../../src/config/types.js';
import { createLogger, type Logger } from '../../../src/log.js';
import { secureStack, type SecureEndpoints } from '../../support/env.js';
import { testConfig } from '../../support/store.js';

const stack = secureStack();

/**
 * `describe` when the secure servers are there; skipped (with the global setup's reason in the
 * title) only when the run uses external servers without secure ones. A local run always has them.
 */
export const describeSecure: typeof describe | typeof describe.skip = stack.available ? describe : describe.skip;
export const skipReason: string = stack.available ? '' : ` [skipped: ${stack.reason}]`;

export function secure(): SecureEndpoints {
  if (!stack.available) throw new Error(`the secure servers are not available: ${stack.reason}`);
  return stack.endpoints;
}

export interface SecureOverrides {
  /** Merged into the `scylladb` block after the secure defaults (username, password, tls). */
  readonly scylladb?: Record<string, unknown>;
  /** Merged into the `kafka` block after the secure defaults (SASL_SSL brokers, sasl, tls). */
  readonly kafka?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/**
 * The test config pointed at the secure servers: the Cassandra node with the pinstate role and
 * TLS (the local CA), Kafka's SASL_SSL listener with SASL/PLAIN and TLS.
 */
export function secureConfig(overrides: SecureOverrides = {}): PinstateConfig {
  const ep = secure();
  const { scylladb, kafka, ...rest } = overrides;
  return testConfig({
    ...rest,
    scylladb: {
      hosts: [...ep.cassandra.hosts],
      port: ep.cassandra.port,
      local_dc: ep.cassandra.localDc,
      username: ep.cassandra.username,
      password: ep.cassandra.password,
      tls: { enabled: true, ca_file: ep.caFile },
      ...scylladb,
    },
    kafka: {
      brokers: [...ep.kafka.saslSslBrokers],
      sasl: { mechanism: ep.kafka.mechanism, username: ep.kafka.username, password: ep.kafka.password },
      tls: { enabled: true, ca_file: ep.caFile },
      ...kafka,
    },
  });
}

/** A self-signed CA that signed nothing the servers use (made with openssl, deleted by `dispose`). */
export function untrustedCa(): { file: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-untrusted-ca-'));
  const file = join(dir, 'ca.crt');
  execFileSync('openssl', [
    'req', '-x509', '-new', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
    '-subj', '/CN=pinstate untrusted test CA', '-keyout', join(dir, 'ca.key'), '-out', file,
  ], { stdio: 'ignore' });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LogCapture {
  readonly logger: Logger;
  /** Every line written so far. */
  lines(): string[];
}

/** A pino logger (the app's createLogger, redaction included) writing into memory. */
export function captureLogs(level: 'trace' | 'debug' | 'info' = 'trace'): LogCapture {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      cb();
    },
  });
  return {
    logger: createLogger({ level, destination }),
    lines: () => chunks.join('').split('\n').filter((l) => l.length > 0),
  };
}

/**
 * Forms a secret could take in a log line: as is, JSON-escaped, base64 and hex, and inside a
 * SASL/PLAIN frame (`\0user\0password`, base64).
 */
export function secretForms(secret: string, user?: string): string[] {
  const forms = [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
  if (user !== undefined) forms.push(Buffer.from(`\0${user}\0${secret}`).toString('base64'));
  return forms;
}
