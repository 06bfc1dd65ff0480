/**
 * Error answers in IPFS Cluster's shape, `{"code": <status>, "message": "<text>"}` (api.Error),
 * which ipfs-cluster-ctl prints as "An error occurred: Code … Message …". The status comes from
 * the error's code, never its message.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isPinstateError } from '../../errors.js';

export type ClusterErrorStatus = 400 | 401 | 404 | 405 | 409 | 413 | 500 | 503;

/** An error the cluster API raises itself, already knowing its status. */
export class ClusterApiError extends Error {
  constructor(
    readonly status: ClusterErrorStatus,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterApiError';
  }
}

export function clusterError(c: Context, status: ContentfulStatusCode, message: string): Response {
  return c.json({ code: status, message }, status);
}

const STATUS_OF_CODE: Readonly<Record<string, ClusterErrorStatus>> = {
  PIN_NOT_FOUND: 404,
  OP_ID_CONFLICT: 409,
  PIN_TYPE_CONFLICT: 409,
  DB_UNAVAILABLE: 503,
  DB_TIMEOUT: 503,
  KAFKA_UNAVAILABLE: 503,
  ILLEGAL_STATE: 503,
};

/** Status and message for anything thrown. Unknown errors are a 500 without internals. */
export function clusterErrorOf(err: unknown): { status: ClusterErrorStatus; message: string } {
  if (err instanceof ClusterApiError) return { status: err.status, message: err.message };
  if (isPinstateError(err)) return { status: STATUS_OF_CODE[err.code] ?? (err.isInputError ? 400 : 500), message: err.message };
  return { status: 500, message: 'internal error' };
}
