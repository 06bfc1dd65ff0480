/**
 * The writer's error policy, read from data (ERROR_TABLE in src/errors.ts and the Kafka
 * classification in src/kafka/errors.ts), never from message text:
 *
 * | where            | error                                        | action                                  |
 * |------------------|----------------------------------------------|-----------------------------------------|
 * | apply (database) | input category (ValidationError, …)          | dead-letter the op (after op-by-op)     |
 * | apply (database) | retriable / internal / not a PinstateError   | retry with backoff, commit nothing      |
 * | apply (database) | fatal (CONFIG_INVALID, SCHEMA_MISMATCH, …)   | fail the writer, commit nothing         |
 * | Kafka call       | retriable                                    | retry with backoff                      |
 * | Kafka call       | rejoin (rebalance, stale generation)         | drop the chunk uncommitted, rejoin      |
 * | Kafka call       | fatal (too large, not authorized, …)         | fail the writer, commit nothing         |
 *
 * Only input errors are ever dead-lettered: an error nobody classified is retried, so a valid op
 * that meets an unknown database error is applied once the fault clears instead of being lost.
 */
import { isPinstateError } from '../../src/errors.js';
import { classifyKafkaError } from '../../src/kafka/errors.js';

export type ErrorAction = 'dead-letter' | 'retry' | 'rejoin' | 'fail';

/** What to do with an error the store's apply threw. */
export function applyErrorAction(err: unknown): ErrorAction {
  if (!isPinstateError(err)) return 'retry';
  switch (err.category) {
    case 'input':
      return 'dead-letter';
    case 'fatal':
      return 'fail';
    case 'rejoin':
      return 'rejoin';
    case 'retriable':
    case 'internal':
      return 'retry';
  }
}

/** What to do with an error a Kafka call (publish, commit, heartbeat) threw. */
export function kafkaErrorAction(err: unknown): Exclude<ErrorAction, 'dead-letter'> {
  const c = classifyKafkaError(err);
  return c === 'retriable' ? 'retry' : c === 'rejoin' ? 'rejoin' : 'fail';
}
