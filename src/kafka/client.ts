/**
 * The Kafka edge: builds the kafkajs client from config (brokers, SASL, TLS, timeouts) and routes
 * its logs to pino. kafkajs is unmaintained, so nothing outside src/kafka, producers/ and
 * consumers/ imports it: swapping clients later touches only these files.
 */
import { readFileSync } from 'node:fs';
import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';

/**
 * The client types the layers above hold (a shared client, an admin for offsets and health). They
 * pass through here so that kafkajs itself is imported only at the edge; see CONTRIBUTING.md.
 */
export type { Admin as KafkaAdmin, Kafka } from 'kafkajs';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

export interface KafkaClientOptions {
  readonly config: KafkaConfig;
  readonly logger?: Logger;
  /** Overrides config.clientId (e.g. "pinstate-writer-<pid>"). */
  readonly clientId?: string;
}

export function kafkaJsConfig(config: KafkaConfig, logger: Logger, clientId?: string): KafkaJsConfig {
  const log = logger.child({ component: 'kafka' });
  const out: KafkaJsConfig = {
    clientId: clientId ?? config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: 8 },
    // kafkajs logs INFO chatter on every join; keep warnings and errors.
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry) => {
      const level = LEVELS[entry.level] ?? 'info';
      const { message, ...rest } = entry.log;
      // Our idempotent producers bound their retries on purpose (a caller gets an error it can retry
      // with the same op ids instead of a call that never returns); kafkajs warns about it on every
      // producer it creates.
      if (String(message).startsWith('Limiting retries for the idempotent producer')) return;
      log[level]({ ns: entry.namespace, ...rest }, String(message));
    },
  };
  if (config.sasl) {
    out.sasl = { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } as SASLOptions;
  }
  if (config.tls.enabled) {
    out.ssl = {
      rejectUnauthorized: !config.tls.insecureSkipVerify,
      ...(config.tls.caFile ? { ca: [readFileSync(config.tls.caFile, 'utf8')] } : {}),
      ...(config.tls.certFile ? { cert: readFileSync(config.tls.certFile, 'utf8') } : {}),
      ...(config.tls.keyFile ? { key: readFileSync(config.tls.keyFile, 'utf8') } : {}),
    };
  }
  return out;
}

export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka(kafkaJsConfig(options.config, options.logger ?? silentLogger(), options.clientId));
}

/** The dead-letter topic of a source topic. */
export function dlqTopic(config: KafkaConfig, source: string): string {
  return `${source}${config.topics.dlqSuffix}`;
}
