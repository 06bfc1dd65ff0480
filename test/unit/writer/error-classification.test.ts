import cassandra from 'cassandra-driver';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { applyErrorAction, kafkaErrorAction } from '../../../consumers/writer/error-policy.js';
import { ERROR_CODES, ERROR_TABLE, INPUT_CODES, PinstateError, RETRYABLE_CODES, ValidationError } from '../../../src/errors.js';
import { classifyKafkaError, toKafkaError } from '../../../src/kafka/errors.js';
import { toDbError } from '../../../src/store/session.js';

// kafkajs builds protocol errors from the broker's error code; the same shape here.
const protocol = (type: string, code: number, retriable: boolean): Error => new KafkaJSProtocolError({ message: type, type, code, retriable } as never);

describe('the error table', () => {
  it('derives the input and retriable sets from one table', () => {
    expect([...INPUT_CODES].sort()).toEqual(ERROR_CODES.filter((c) => ERROR_TABLE[c] === 'input').sort());
    expect([...RETRYABLE_CODES].sort()).toEqual(['DB_TIMEOUT', 'DB_UNAVAILABLE', 'KAFKA_UNAVAILABLE']);
    for (const code of ERROR_CODES) {
      const e = new PinstateError(code, 'x');
      expect(e.isInputError).toBe(ERROR_TABLE[code] === 'input');
      expect(e.canRetry).toBe(ERROR_TABLE[code] === 'retriable');
      expect(e.category).toBe(ERROR_TABLE[code]);
    }
  });
});

describe('applyErrorAction (database errors)', () => {
  it('dead-letters only input errors', () => {
    expect(applyErrorAction(new ValidationError('INVALID_FIELD', 'spec.name', 'bad'))).toBe('dead-letter');
    expect(applyErrorAction(new PinstateError('OP_ID_CONFLICT', 'x'))).toBe('dead-letter');
  });

  it('retries transient, unclassified and foreign errors: a driver error class the session does not know is not bad input', () => {
    expect(applyErrorAction(new PinstateError('DB_UNAVAILABLE', 'x'))).toBe('retry');
    expect(applyErrorAction(new PinstateError('DB_TIMEOUT', 'x'))).toBe('retry');
    const unknownDriverError = new cassandra.errors.ResponseError(cassandra.types.responseErrorCodes.serverError, 'server error');
    const wrapped = toDbError(unknownDriverError);
    expect(wrapped.code).toBe('INTERNAL');
    expect(applyErrorAction(wrapped)).toBe('retry');
    expect(applyErrorAction(new TypeError('boom'))).toBe('retry');
    expect(applyErrorAction('a string')).toBe('retry');
  });

  it('fails the writer on configuration and schema errors', () => {
    expect(applyErrorAction(new PinstateError('SCHEMA_MISMATCH', 'x'))).toBe('fail');
    expect(applyErrorAction(new PinstateError('CONFIG_INVALID', 'x'))).toBe('fail');
  });
});

describe('classifyKafkaError', () => {
  it('rejoin on rebalance, stale generation and unknown member, however wrapped', () => {
    expect(classifyKafkaError(protocol('REBALANCE_IN_PROGRESS', 27, false))).toBe('rejoin');
    expect(classifyKafkaError(protocol('ILLEGAL_GENERATION', 22, false))).toBe('rejoin');
    expect(classifyKafkaError(protocol('UNKNOWN_MEMBER_ID', 25, false))).toBe('rejoin');
    expect(classifyKafkaError(new KafkaJSNumberOfRetriesExceeded(protocol('REBALANCE_IN_PROGRESS', 27, false), { retryCount: 5, retryTime: 100 }))).toBe('rejoin');
  });

  it('retriable on connection trouble, timeouts, retriable protocol errors and exhausted retries of those', () => {
    expect(classifyKafkaError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toBe('retriable');
    expect(classifyKafkaError(protocol('NOT_LEADER_FOR_PARTITION', 6, true))).toBe('retriable');
    expect(classifyKafkaError(protocol('NOT_COORDINATOR_FOR_GROUP', 16, true))).toBe('retriable');
    expect(classifyKafkaError(new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('down'), { retryCount: 5, retryTime: 100 }))).toBe('retriable');
  });

  it('fatal on refusals retrying cannot fix: too large, not authorized, and on non-Kafka errors', () => {
    expect(classifyKafkaError(protocol('MESSAGE_TOO_LARGE', 10, false))).toBe('fatal');
    expect(classifyKafkaError(protocol('TOPIC_AUTHORIZATION_FAILED', 29, false))).toBe('fatal');
    expect(classifyKafkaError(new KafkaJSNumberOfRetriesExceeded(protocol('RECORD_LIST_TOO_LARGE', 18, false), { retryCount: 1, retryTime: 1 }))).toBe('fatal');
    expect(classifyKafkaError(new KafkaJSNonRetriableError('Invalid topic'))).toBe('fatal');
    expect(classifyKafkaError(new TypeError('x is undefined'))).toBe('fatal');
  });

  it('wraps into codes whose category carries the decision', () => {
    expect(toKafkaError(protocol('REBALANCE_IN_PROGRESS', 27, false), 'heartbeat').code).toBe('KAFKA_REBALANCE');
    expect(toKafkaError(new KafkaJSConnectionError('down'), 'publish').code).toBe('KAFKA_UNAVAILABLE');
    expect(toKafkaError(protocol('MESSAGE_TOO_LARGE', 10, false), 'publish').code).toBe('KAFKA_REFUSED');
    expect(kafkaErrorAction(toKafkaError(protocol('ILLEGAL_GENERATION', 22, false), 'commit'))).toBe('rejoin');
    expect(kafkaErrorAction(toKafkaError(new KafkaJSConnectionError('down'), 'commit'))).toBe('retry');
    expect(kafkaErrorAction(toKafkaError(protocol('MESSAGE_TOO_LARGE', 10, false), 'publish'))).toBe('fail');
  });
});
