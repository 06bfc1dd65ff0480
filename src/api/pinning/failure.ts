/**
 * Every error of the Pinning Services API in the spec's Failure shape,
 * `{ "error": { "reason": "…", "details": "…" } }`, with its status chosen from the error's code
 * (the same table as the rest of the API). Pure.
 */
import { errorResponse, type ErrorStatus } from '../errors.js';
import type { PsaFailure } from './schemas.js';

/** The reasons pinstate answers with (the first five are the spec's examples). */
export const PSA_REASONS = ['BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'INTERNAL_SERVER_ERROR', 'METHOD_NOT_ALLOWED', 'PAYLOAD_TOO_LARGE', 'SERVICE_UNAVAILABLE', 'LIST_TOO_BROAD', 'CONFLICT'] as const;
export type PsaReason = (typeof PSA_REASONS)[number];

export type PsaErrorStatus = ErrorStatus | 422;

export class PsaError extends Error {
  constructor(
    readonly status: PsaErrorStatus,
    readonly reason: PsaReason,
    readonly details: string,
  ) {
    super(details);
    this.name = 'PsaError';
  }
}

const REASON_OF_STATUS: Readonly<Record<number, PsaReason>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  503: 'SERVICE_UNAVAILABLE',
};

/** The status and Failure body for any thrown value; unknown errors become a 500 without internals. */
export function failureOf(err: unknown): { status: PsaErrorStatus; body: PsaFailure } {
  if (err instanceof PsaError) return { status: err.status, body: { error: { reason: err.reason, details: err.details } } };
  const { status, body } = errorResponse(err);
  const reason = REASON_OF_STATUS[status] ?? 'INTERNAL_SERVER_ERROR';
  return { status, body: { error: { reason, details: body.error.message } } };
}
