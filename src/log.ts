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

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'tokens',
  '*.tokens',
  'authorization',
  '*.authorization',
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
