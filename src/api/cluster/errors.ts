/**
 * Error answers in IPFS Cluster's shape, `{"code": <status>, "message": "<text>"}` (api.Error),
 * which ipfs-cluster-ctl prints as "An error occurred: Code … Message …". The status comes from
 * the error's code, never its message.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isPinstateError } from '../../errors.js';
import { statusOfError, type ErrorStatus } from '../errors.js';

/** The main API's statuses: the same code → status table serves both. */
export type ClusterErrorStatus = ErrorStatus;

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

/** Status and message for anything thrown. Unknown errors are a 500 without internals. */
export function clusterErrorOf(err: unknown): { status: ClusterErrorStatus; message: string } {
  if (err instanceof ClusterApiError) return { status: err.status, message: err.message };
  if (isPinstateError(err)) return { status: statusOfError(err), message: err.message };
  return { status: 500, message: 'internal error' };
}
