/**
 * Kafka errors as data, the way src/store/session.ts classifies CQL errors: every error a Kafka
 * call throws maps to one of three decisions, read from the error's structure (kafkajs's
 * protocol error `type`, its `retriable` flag, its cause chain), never from message text.
 * - retriable: the broker or the connection was briefly unavailable; the same call may succeed.
 * - rejoin: the group moved on without this member (rebalance, stale generation, unknown
 *   member): what it fetched is no longer its to write or commit.
 * - fatal: the broker refused for good (authorization, message too large, unsupported request).
 */
import { PinstateError, isPinstateError } from '../errors.js';

export type KafkaErrorClass = 'retriable' | 'rejoin' | 'fatal';

/** Protocol error types that mean the member's generation is over. */
const REJOIN_TYPES: ReadonlySet<string> = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID', 'MEMBER_ID_REQUIRED']);

/** Client-side kafkajs errors that only say the broker was out of reach or slow. */
const RETRIABLE_NAMES: ReadonlySet<string> = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

interface KafkaLikeError {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown;
}

/** The error and everything it wraps (cause, originalError, aggregate members), outermost first. */
function chain(err: unknown): KafkaLikeError[] {
  const out: KafkaLikeError[] = [];
  const todo: unknown[] = [err];
  while (todo.length > 0 && out.length < 16) {
    const e = todo.shift();
    if (e === null || typeof e !== 'object' || out.includes(e)) continue;
    const k = e as KafkaLikeError;
    out.push(k);
    todo.push(k.cause, k.originalError);
    if (Array.isArray(k.errors)) todo.push(...(k.errors as unknown[]));
  }
  return out;
}

const isKafkaJs = (e: KafkaLikeError): boolean => typeof e.name === 'string' && e.name.startsWith('KafkaJS');

/** Classifies any error a Kafka client call threw. Non-Kafka errors (a bug in our code) are fatal. */
export function classifyKafkaError(err: unknown): KafkaErrorClass {
  if (isPinstateError(err)) {
    const c = err.category;
    return c === 'rejoin' ? 'rejoin' : c === 'retriable' ? 'retriable' : 'fatal';
  }
  const all = chain(err);
  if (all.some((e) => typeof e.type === 'string' && REJOIN_TYPES.has(e.type))) return 'rejoin';
  // The innermost protocol error decides: a broker refusal stays a refusal however it is wrapped.
  const protocol = all.filter((e) => typeof e.type === 'string').pop();
  if (protocol !== undefined) return protocol.retriable === true ? 'retriable' : 'fatal';
  if (all.some((e) => typeof e.name === 'string' && RETRIABLE_NAMES.has(e.name))) return 'retriable';
  // kafkajs gave up retrying something it considered retriable (retries exhausted).
  if (all.some((e) => e.name === 'KafkaJSNumberOfRetriesExceeded')) return 'retriable';
  const outer = all[0];
  if (outer !== undefined && isKafkaJs(outer)) return outer.retriable === true ? 'retriable' : 'fatal';
  return 'fatal';
}

const CODE_OF: Readonly<Record<KafkaErrorClass, 'KAFKA_UNAVAILABLE' | 'KAFKA_REBALANCE' | 'KAFKA_REFUSED'>> = {
  retriable: 'KAFKA_UNAVAILABLE',
  rejoin: 'KAFKA_REBALANCE',
  fatal: 'KAFKA_REFUSED',
};

/** Wraps a Kafka client error in a PinstateError whose code carries the decision. */
export function toKafkaError(err: unknown, what: string): PinstateError {
  if (isPinstateError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PinstateError(CODE_OF[classifyKafkaError(err)], `kafka ${what}: ${message}`, { cause: err });
}
