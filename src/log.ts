/** pino JSON logs with stable field names; one root logger per process, children per component. */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config/types.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly name?: string;
  /** Write somewhere other than stdout (tests pass a stream to read lines back). */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * Keys whose values never reach a log line, up to four levels deep in the logged object (a
 * whole config logged by mistake puts kafka.sasl.password at depth 4: `{config: {kafka: {sasl:
 * {password}}}}`). redactConfig() is the first defence; this is the safety net.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'token',
  '*.token',
  '*.*.token',
  'tokens',
  '*.tokens',
  '*.*.tokens',
  'authorization',
  '*.authorization',
  '*.*.authorization',
  '*.*.*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  const opts = {
    level: options.level ?? 'info',
    name: options.name ?? 'pinstate',
    base: { service: 'pinstate' },
    redact: { paths: REDACTED_PATHS, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(opts, options.destination) : pino(opts);
}

/** A logger that drops everything (library default when the caller gives none). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
