/**
 * Errors are data: every error pinstate raises carries a stable `code` from this list plus
 * structured fields. Retry, dead-letter and commit decisions read those fields, never message text.
 */
export const ERROR_CODES = [
  // input validation (never retried; the API answers 4xx, the writer dead-letters)
  'INVALID_CID',
  'UNSUPPORTED_HASH',
  'INVALID_FIELD',
  'INVALID_PEER',
  'INVALID_REPLICATION',
  'OVERSIZED_VALUE',
  'INVALID_STATE',
  'MISSING_FIELD',
  // wire format
  'UNDECODABLE',
  'UNKNOWN_FINGERPRINT',
  'WRONG_SCHEMA',
  // semantics
  'PIN_TYPE_CONFLICT',
  'PIN_NOT_FOUND',
  'OP_ID_CONFLICT',
  /** A message on a partition other than its CID's (keyed with something other than the mh_prefix key). */
  'MISROUTED',
  // configuration and lifecycle
  'CONFIG_INVALID',
  'ILLEGAL_STATE',
  'SCHEMA_MISMATCH',
  // infrastructure (retried)
  'DB_UNAVAILABLE',
  'DB_TIMEOUT',
  'KAFKA_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes that describe bad input: a message carrying one goes to the DLQ, an API request gets a 4xx. */
const INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_CID',
  'UNSUPPORTED_HASH',
  'INVALID_FIELD',
  'INVALID_PEER',
  'INVALID_REPLICATION',
  'OVERSIZED_VALUE',
  'INVALID_STATE',
  'MISSING_FIELD',
  'UNDECODABLE',
  'UNKNOWN_FINGERPRINT',
  'WRONG_SCHEMA',
  'PIN_TYPE_CONFLICT',
  'PIN_NOT_FOUND',
  'OP_ID_CONFLICT',
  'MISROUTED',
]);

const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['DB_UNAVAILABLE', 'DB_TIMEOUT', 'KAFKA_UNAVAILABLE']);

export interface PinstateErrorOptions {
  /** The input field at fault, as a dotted path (`spec.replication_factor_min`). */
  readonly field?: string;
  readonly cause?: unknown;
  /** Extra structured context for logs; never secrets. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Base class of every error pinstate raises on purpose. */
export class PinstateError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: PinstateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PinstateError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }

  /** True when the same call may succeed later (database or broker briefly unavailable). */
  get canRetry(): boolean {
    return RETRYABLE_CODES.has(this.code);
  }

  /** True when the error describes bad input: dead-letter it, answer 4xx, never retry. */
  get isInputError(): boolean {
    return INPUT_CODES.has(this.code);
  }

  /** The reason code written to a dead-letter record's headers. */
  get dlqReason(): ErrorCode {
    return this.code;
  }
}

/** Bad input: names the field at fault. */
export class ValidationError extends PinstateError {
  constructor(code: ErrorCode, field: string, message: string, options: Omit<PinstateErrorOptions, 'field'> = {}) {
    super(code, `${field}: ${message}`, { ...options, field });
    this.name = 'ValidationError';
  }
}

/** `get` of a pin that is not in the pinset. The message matches IPFS Cluster's `state.ErrNotFound`. */
export class NotFoundError extends PinstateError {
  constructor(cid: string) {
    super('PIN_NOT_FOUND', 'pin is not part of the pinset', { details: { cid } });
    this.name = 'NotFoundError';
  }
}

/** A configuration key with a bad value; stops start-up. */
export class ConfigError extends PinstateError {
  constructor(field: string, message: string) {
    super('CONFIG_INVALID', `config ${field}: ${message}`, { field });
    this.name = 'ConfigError';
  }
}

export function isPinstateError(err: unknown): err is PinstateError {
  return err instanceof PinstateError;
}
