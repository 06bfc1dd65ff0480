/**
 * Every error the HTTP API answers with has one shape, `{ "error": { "code", "field", "message" } }`,
 * and one status chosen from the error's code — never from its message. Pure.
 */
import type { z } from 'zod';
import { isPinstateError, type ErrorCode, type PinstateError } from '../errors.js';
import type { ErrorSchema } from './schemas.js';

/** Codes only the HTTP layer raises (the rest come from `ERROR_CODES` in src/errors.ts). */
export const API_ERROR_CODES = ['UNAUTHORIZED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'PAYLOAD_TOO_LARGE', 'INVALID_JSON', 'UNKNOWN_FIELD', 'NOT_READY'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** `{ "error": { "code", "field", "message" } }`: the schema is ErrorSchema in schemas.ts. */
export type ErrorBody = z.infer<typeof ErrorSchema>;

export type ErrorStatus = 400 | 401 | 404 | 405 | 409 | 413 | 500 | 503;

/** An error the API raises itself, already knowing its status. */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: ApiErrorCode,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUS_OF_CODE: Partial<Record<ErrorCode, ErrorStatus>> = {
  PIN_NOT_FOUND: 404,
  OP_ID_CONFLICT: 409,
  PIN_TYPE_CONFLICT: 409,
  DB_UNAVAILABLE: 503,
  DB_TIMEOUT: 503,
  KAFKA_UNAVAILABLE: 503,
  ILLEGAL_STATE: 503,
};

/** The HTTP status of a pinstate error, by its code (input errors 400, unknown ones 500); every API of pinstate answers with it. */
export function statusOfError(err: PinstateError): ErrorStatus {
  return STATUS_OF_CODE[err.code] ?? (err.isInputError ? 400 : 500);
}

/** The status and body for any thrown value. Unknown errors become a 500 without internals. */
export function errorResponse(err: unknown, toApiField: (field: string) => string = (f) => f): { status: ErrorStatus; body: ErrorBody } {
  if (err instanceof ApiError) {
    return { status: err.status, body: { error: { code: err.code, field: err.field, message: err.message } } };
  }
  if (isPinstateError(err)) {
    const status = statusOfError(err);
    const field = err.field === undefined ? null : toApiField(err.field);
    return { status, body: { error: { code: err.code, field, message: renameField(err.message, err.field, field) } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', field: null, message: 'internal error' } } };
}

/** ValidationError messages start with `<field>: `; show the API's name for the field instead. */
function renameField(message: string, from: string | undefined, to: string | null): string {
  if (from === undefined || to === null || from === to || !message.startsWith(`${from}: `)) return message;
  return `${to}: ${message.slice(from.length + 2)}`;
}
