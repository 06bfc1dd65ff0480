/** The error a producer call rejects with when its messages could not be sent. */
import { PinstateError, isPinstateError } from '../src/errors.js';

/**
 * A send the broker did not acknowledge (after the client's own retries). The message may or may
 * not have been written: retry with the same op id (it is on the error) and the writer applies it
 * once. The code is KAFKA_UNAVAILABLE (`canRetry` true) unless the cause was a pinstate error
 * with a code of its own (ILLEGAL_STATE when the producer is closed).
 */
export class ProducerSendError extends PinstateError {
  /** The op ids of the call that failed, in call order; pass them back as `opts.opId` when retrying. */
  readonly opIds: readonly string[];
  readonly topic: string;

  constructor(opIds: readonly string[], topic: string, cause: unknown) {
    const inner = isPinstateError(cause) ? cause : undefined;
    const what = opIds.length === 1 ? `op ${opIds[0]}` : `${opIds.length} ops (${opIds[0]} …)`;
    super(inner?.code ?? 'KAFKA_UNAVAILABLE', `sending ${what} to ${topic} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      details: { opIds, topic, ...(cause instanceof Error ? { error: cause.name } : {}) },
    });
    this.name = 'ProducerSendError';
    this.opIds = opIds;
    this.topic = topic;
  }

  /** The (first) op id of the failed call. */
  get opId(): string {
    return this.opIds[0] ?? '';
  }
}
