/**
 * Errors are data: every error pinstate raises carries a stable `code` from this list plus
 * structured fields. Retry, dead-letter and commit decisions read those fields, never message text.
 */
/**
 * How an error is handled, per category:
 * - input: the data is at fault — dead-letter the message (writer), answer 4xx (API); never retried.
 * - retriable: a server was briefly unreachable, slow or overloaded — retry with backoff.
 * - rejoin: the consumer lost its group membership — drop the batch uncommitted, rejoin, refetch.
 * - fatal: retrying cannot help and the data is not at fault (configuration, schema, broker
 *   refusal) — stop (the writer fails without committing; its supervisor restarts it).
 * - internal: unclassified — the writer retries with backoff (a valid op is never dead-lettered
 *   for it), the API answers 500.
 */
export const ERROR_CATEGORIES = ['input', 'retriable', 'rejoin', 'fatal', 'internal'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** The one table of error codes: code → category. Every set and decision below derives from it. */
export const ERROR_TABLE = {
  // input validation
  INVALID_CID: 'input',
  UNSUPPORTED_HASH: 'input',
  INVALID_FIELD: 'input',
  INVALID_PEER: 'input',
  INVALID_REPLICATION: 'input',
  OVERSIZED_VALUE: 'input',
  INVALID_STATE: 'input',
  MISSING_FIELD: 'input',
  // wire format
  UNDECODABLE: 'input',
  UNKNOWN_FINGERPRINT: 'input',
  WRONG_SCHEMA: 'input',
  // semantics
  PIN_TYPE_CONFLICT: 'input',
  PIN_NOT_FOUND: 'input',
  OP_ID_CONFLICT: 'input',
  /** A message on a partition other than its CID's (keyed with something other than the mh_prefix key). */
  MISROUTED: 'input',
  // configuration and lifecycle
  CONFIG_INVALID: 'fatal',
  ILLEGAL_STATE: 'fatal',
  SCHEMA_MISMATCH: 'fatal',
  // infrastructure
  DB_UNAVAILABLE: 'retriable',
  DB_TIMEOUT: 'retriable',
  KAFKA_UNAVAILABLE: 'retriable',
  /** The consumer group moved on without this member (rebalance, stale generation, unknown member). */
  KAFKA_REBALANCE: 'rejoin',
  /**
   * A write was about to go out while the member's hold on its partitions was unconfirmed (no
   * heartbeat answered within the lease, e.g. the process was stalled): it may have lost them.
   */
  MEMBERSHIP_UNCONFIRMED: 'rejoin',
  /** The broker refused for good: authorization, message too large, unsupported request. */
  KAFKA_REFUSED: 'fatal',
  INTERNAL: 'internal',
} as const satisfies Record<string, ErrorCategory>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export const ERROR_CODES = Object.keys(ERROR_TABLE) as readonly ErrorCode[];

/** The category of a code (see ERROR_CATEGORIES). */
export function categoryOf(code: ErrorCode): ErrorCategory {
  return ERROR_TABLE[code];
}

const codesOf = (category: ErrorCategory): ReadonlySet<ErrorCode> => new Set(ERROR_CODES.filter((c) => ERROR_TABLE[c] === category));

/** Codes that describe bad input: a message carrying one goes to the DLQ, an API request gets a 4xx. */
export const INPUT_CODES: ReadonlySet<ErrorCode> = codesOf('input');

/** Codes whose call may succeed later unchanged. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = codesOf('retriable');

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

  /** This error's category in ERROR_TABLE. */
  get category(): ErrorCategory {
    return categoryOf(this.code);
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
